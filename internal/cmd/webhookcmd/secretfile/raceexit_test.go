package secretfile

// The race runtime sleeps a second at exit; raceexit (see its doc) turns that off.
import _ "github.com/dialin-project/dialin/internal/testkit/raceexit"
