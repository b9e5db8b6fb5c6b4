// Package smtptest is a small, real SMTP server on a loopback port that
// keeps the messages it receives, for tests and the demo: Torg's mail goes
// over a real SMTP conversation, and the test reads what arrived.
package smtptest

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/mail"
	"strings"
	"sync"
	"time"
)

// Message is one received message.
type Message struct {
	From string
	To   []string
	Data []byte        // the message as sent, headers and body
	Mail *mail.Message // Data parsed; nil when it does not parse
}

// Server is a running SMTP server.
type Server struct {
	Addr string // host:port

	ln     net.Listener
	mu     sync.Mutex
	msgs   []Message
	notify chan struct{}
	wg     sync.WaitGroup
	// Fail, when set, makes the server refuse every message with this SMTP
	// reply (e.g. "451 4.3.0 try again later"), to test retries.
	fail string
}

// Start starts a server on 127.0.0.1 at a free port.
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: ln.Addr().String(), ln: ln, notify: make(chan struct{}, 1)}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Close stops the server and waits for its connections to end.
func (s *Server) Close() error {
	err := s.ln.Close()
	s.wg.Wait()
	return err
}

// SetFail makes the server refuse messages with reply (empty: accept).
func (s *Server) SetFail(reply string) {
	s.mu.Lock()
	s.fail = reply
	s.mu.Unlock()
}

// Messages returns what was received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Wait waits until at least n messages have arrived or timeout passes, and
// returns what arrived.
func (s *Server) Wait(n int, timeout time.Duration) []Message {
	deadline := time.After(timeout)
	for {
		if m := s.Messages(); len(m) >= n {
			return m
		}
		select {
		case <-s.notify:
		case <-deadline:
			return s.Messages()
		}
	}
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serve(c)
		}()
	}
}

// serve speaks the server side of RFC 5321, as much as a client needs.
func (s *Server) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Minute))
	r := bufio.NewReader(c)
	reply := func(format string, args ...any) { fmt.Fprintf(c, format+"\r\n", args...) }
	reply("220 smtptest ESMTP ready")
	var from string
	var to []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(cmd, " ", 2)[0])
		switch {
		case verb == "EHLO":
			reply("250-smtptest greets you")
			reply("250-8BITMIME")
			reply("250 SMTPUTF8")
		case verb == "HELO":
			reply("250 smtptest")
		case strings.HasPrefix(strings.ToUpper(cmd), "MAIL FROM:"):
			from, to = addr(cmd[len("MAIL FROM:"):]), nil
			reply("250 2.1.0 ok")
		case strings.HasPrefix(strings.ToUpper(cmd), "RCPT TO:"):
			to = append(to, addr(cmd[len("RCPT TO:"):]))
			reply("250 2.1.5 ok")
		case verb == "DATA":
			if from == "" || len(to) == 0 {
				reply("503 5.5.1 need MAIL and RCPT first")
				continue
			}
			reply("354 end with <CRLF>.<CRLF>")
			var buf bytes.Buffer
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" || l == ".\n" {
					break
				}
				buf.WriteString(strings.TrimPrefix(l, "."))
			}
			s.mu.Lock()
			fail := s.fail
			if fail == "" {
				m := Message{From: from, To: to, Data: buf.Bytes()}
				if pm, err := mail.ReadMessage(bytes.NewReader(m.Data)); err == nil {
					m.Mail = pm
				}
				s.msgs = append(s.msgs, m)
			}
			s.mu.Unlock()
			if fail != "" {
				reply("%s", fail)
			} else {
				reply("250 2.0.0 queued")
				select {
				case s.notify <- struct{}{}:
				default:
				}
			}
			from, to = "", nil
		case verb == "RSET":
			from, to = "", nil
			reply("250 ok")
		case verb == "NOOP":
			reply("250 ok")
		case verb == "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 5.5.2 command not implemented")
		}
	}
}

// addr takes the address out of "<a@b> SIZE=..." in MAIL/RCPT.
func addr(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, ">"); strings.HasPrefix(s, "<") && i > 0 {
		return s[1:i]
	}
	return strings.Fields(s + " ")[0]
}
