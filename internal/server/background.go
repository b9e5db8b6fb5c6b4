package server

import (
	"context"
	"time"

	"github.com/torg-ekommune/torg/internal/notify"
	"github.com/torg-ekommune/torg/internal/notify/smtptest"
	"github.com/torg-ekommune/torg/internal/outbox"
)

// startBackground builds the outbox, the mail queue and the loops that
// Serve runs beside the HTTP server: the webhook dispatcher, the mail
// sender and the housekeeping. Each node runs them; the outbox and the
// mail queue claim their work with leases, so nodes do not collide.
func (s *Server) startBackground() error {
	s.Outbox = outbox.New(s.DB, s.Audit)
	s.Mail = notify.NewQueue(s.DB)
	disp := outbox.NewDispatcher(s.DB, s.Log.With("component", "outbox"), outbox.DispatchOptions{Source: s.Config.PublicURL})
	s.background = append(s.background, disp.Run)
	s.background = append(s.background, func(ctx context.Context) {
		s.Outbox.RunSubscribers(ctx, s.Log.With("component", "subscribers"), outbox.SubscriberOptions{})
	})

	smtpCfg := notify.SMTPConfig{Addr: s.Config.SMTPAddr, From: s.Config.SMTPFrom, Username: s.Config.SMTPUsername, Password: s.Config.SMTPPassword}
	if smtpCfg.Addr == "" && s.Config.TestIdP {
		tm, err := smtptest.Start()
		if err != nil {
			return err
		}
		s.TestMail = tm
		smtpCfg.Addr = tm.Addr
		s.Log.Warn("e-mail goes to the built-in TEST mail server, not to anyone; read it at /testepost/", "smtp", tm.Addr)
	}
	if smtpCfg.Addr != "" {
		s.background = append(s.background, notify.NewSender(s.DB, smtpCfg, s.Log.With("component", "mail")).Run)
	} else {
		s.Log.Warn("no SMTP server set (--smtp-addr / TORG_SMTP_ADDR): e-mail waits in the queue until one is")
	}
	s.background = append(s.background, s.housekeeping, s.politicsDigest, s.innsynReminders)
	return nil
}

// politicsDigest queues the daily e-mail digests of political follows; it
// checks every hour, and each follow gets at most one mail a day.
func (s *Server) politicsDigest(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := s.Politics.Digest(ctx, s.DB.Now()); err != nil && ctx.Err() == nil {
			s.Log.Error("politics: digest", "err", err)
		} else if n > 0 {
			s.Log.Info("politics: digests queued", "mails", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// housekeeping removes expired sessions, unfinished sign-ins and drafts
// past their lifetime every ten minutes.
func (s *Server) housekeeping(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if n, err := s.Identity.DeleteExpired(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("housekeeping: sessions", "err", err)
		} else if n > 0 {
			s.Log.Info("housekeeping: removed expired sessions and sign-ins", "rows", n)
		}
		if n, err := s.Forms.DeleteExpiredDrafts(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("housekeeping: drafts", "err", err)
		} else if n > 0 {
			s.Log.Info("housekeeping: removed expired drafts", "rows", n)
		}
		if n, err := s.Feedback.DeleteExpiredTickets(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("housekeeping: survey tickets", "err", err)
		} else if n > 0 {
			s.Log.Info("housekeeping: removed expired survey tickets", "rows", n)
		}
		if n, err := s.Feedback.MoveOldAnswers(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("housekeeping: old satisfaction answers", "err", err)
		} else if n > 0 {
			s.Log.Info("housekeeping: moved old satisfaction answers into the receipt survey", "rows", n)
		}
		if n, err := s.API.DeleteExpiredTokens(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("housekeeping: API tokens", "err", err)
		} else if n > 0 {
			s.Log.Info("housekeeping: removed expired API tokens", "rows", n)
		}
		if n, err := s.Dialogue.Digest(ctx, s.DB.Now()); err != nil && ctx.Err() == nil {
			s.Log.Error("housekeeping: debate digests", "err", err)
		} else if n > 0 {
			s.Log.Info("housekeeping: debate digests queued", "n", n)
		}
		if n, err := s.Initiatives.SubmitPending(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("housekeeping: initiatives to the council", "err", err)
		} else if n > 0 {
			s.Log.Info("housekeeping: initiatives handed to the council", "n", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// innsynReminders sends the access requests' deadline reminders every
// fifteen minutes; Remind sends each one once, also with several nodes.
func (s *Server) innsynReminders(ctx context.Context) {
	t := time.NewTicker(15 * time.Minute)
	defer t.Stop()
	for {
		if n, err := s.Innsyn.Remind(ctx, s.DB.Now()); err != nil && ctx.Err() == nil {
			s.Log.Error("innsyn: reminders", "err", err)
		} else if n > 0 {
			s.Log.Info("innsyn: reminders sent", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
