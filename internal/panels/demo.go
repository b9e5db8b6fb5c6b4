package panels

import (
	"context"

	"github.com/torg-ekommune/torg/internal/audit"
	"github.com/torg-ekommune/torg/internal/errs"
)

// DemoPopulation is the demo municipality's areas and residents aged 16
// or older by age group (made up, in the proportions of a Norwegian
// municipality of 15,000), in the form ParsePopulation reads.
const DemoPopulation = `område;16-29;30-44;45-66;67+
Sentrum;1150;1020;980;610
Nordbyen;520;760;1050;540
Sørbygda;310;480;890;720
Vestsida;430;610;820;460
Austmarka;180;260;560;450
`

// SeedDemo gives tenant the DemoPopulation when it has no population yet.
func (s *Service) SeedDemo(ctx context.Context, tenant string) error {
	p, err := s.Population(ctx, tenant)
	if err != nil || len(p.Areas) > 0 {
		return err
	}
	if _, err := s.SetPopulation(ctx, tenant, DemoPopulation, audit.Entry{ActorID: "system:demo", ActorName: "Demo", Role: "system"}); err != nil {
		return errs.E(errs.Op("panels.SeedDemo"), err)
	}
	return nil
}
