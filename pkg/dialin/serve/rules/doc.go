// Package rules decides which serve rule takes an incoming call: the call's To, From and SIP
// headers are matched against each rule's globs in order, the first rule that matches wins,
// and a default rule (if any) takes what no rule matched. `dialin serve` and
// `dialin routes explain` share this matcher, so what explain says is what serve does.
package rules
