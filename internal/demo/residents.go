package demo

import (
	"context"
	"strings"
	"time"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/identity/testidp"
	"github.com/torg-ekommune/torg/internal/initiatives"
	"github.com/torg-ekommune/torg/internal/nin"
)

// DemoPopulation is how many residents the demo municipality's register
// holds: the test provider's persons and generated synthetic numbers, so
// that 2 % of the residents is 300 and the law's lower threshold for a
// citizen initiative, 300 signatures, applies as in a real municipality.
const DemoPopulation = 15000

// SeedResidents fills the demo municipality's register of residents (who
// may sign citizen initiatives) once: every person of the test provider
// who has a fødselsnummer, and synthetic numbers up to DemoPopulation. A
// real deployment imports a Folkeregister extract instead
// (torg initiatives import-residents).
func SeedResidents(ctx context.Context, svc *initiatives.Service) error {
	n, err := svc.Residents().Population(ctx, Number)
	if err != nil || n > 0 {
		return err
	}
	var b strings.Builder
	b.WriteString("fodselsnummer\n")
	seen := map[string]bool{}
	for _, p := range testidp.DemoPersons() {
		if p.PID != "" && !seen[p.PID] {
			seen[p.PID] = true
			b.WriteString(p.PID + "\n")
		}
	}
	day := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC)
	for len(seen) < DemoPopulation {
		for ind := 0; ind < 300 && len(seen) < DemoPopulation; ind++ {
			if p, err := nin.Generate(day, ind, nin.Synthetic); err == nil && !seen[p.String()] {
				seen[p.String()] = true
				b.WriteString(p.String() + "\n")
			}
		}
		day = day.AddDate(0, 0, 3)
	}
	_, err = svc.ImportResidents(ctx, Number, strings.NewReader(b.String()), audit.Entry{ActorID: "system:demo", ActorName: "Demo", Role: "system"})
	return err
}
