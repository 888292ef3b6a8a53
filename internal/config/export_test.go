package config

import "fmt"

var Sprintf = fmt.Sprintf
