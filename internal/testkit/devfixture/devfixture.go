// Package devfixture is the production domain that `dialin dev`'s tests swap a route in and
// out of: a number with a route (hold music, a timeout message and a field dialin does not
// know), another team's route, a SIP trunk, and an owned number without a route. The tests
// of the dev command and of its engine (pkg/dialin/devroute) share it, so both check the same
// byte-for-byte promise against the same array.
package devfixture

// The numbers, secrets and URLs of the fixture.
const (
	ProdNumber  = "+14155550100"
	OtherNumber = "+14155550101"
	BareNumber  = "+14155550102" // owned, no route
	SecretProd  = "c2VjcmV0LWEtc2VjcmV0LWEtc2VjcmV0LWEtc2VjcmU="
	SecretOther = "c2VjcmV0LWItc2VjcmV0LWItc2VjcmV0LWItc2VjcmU="
	ProdURL     = "https://prod.example.com/dialin"
)

// LiveJSON is the domain's pinless_dialin array, as Daily would hold it.
const LiveJSON = `[
 {"phone_number":"` + ProdNumber + `","room_creation_api":"` + ProdURL + `","hmac":"` + SecretProd + `","hold_music_url":"https://cdn.example.com/hold.mp3","timeout_config":{"message":"Sorry"},"x_future":{"b":2,"a":[1,2]}},
 {"phone_number":"` + OtherNumber + `","room_creation_api":"https://other.example.com/dialin","hmac":"` + SecretOther + `"},
 {"room_creation_api":"https://trunk.example.com/sip","name_prefix":"ci-trunk","hmac":"` + SecretOther + `"}
]`
