// Command torg is the open eKommune platform: citizen services, case
// handling, archive, local democracy and participation for Norwegian
// municipalities, in one binary. See the README and `torg help`.
package main

import (
	"os"
	_ "time/tzdata" // Europe/Oslo without the host's zoneinfo files

	"github.com/torg-ekommune/torg/internal/cli"
)

func main() {
	os.Exit(cli.Main(cli.Env{Args: os.Args[1:], Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}))
}
