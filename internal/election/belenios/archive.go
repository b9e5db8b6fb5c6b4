package belenios

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Archive is a parsed UUID.bel file: its header timestamp, its events in
// order, and its data members by hash.
type Archive struct {
	Timestamp int64
	Events    []ArchiveEvent
	Data      map[string][]byte
	// Raw are the archive bytes as read (nil for an archive being built).
	Raw []byte
}

// ArchiveEvent is an event with its own hash and raw bytes.
type ArchiveEvent struct {
	Event
	Hash string
	Raw  []byte
}

const blockSize = 512

// maxArchive bounds the size of an archive the reader accepts.
const maxArchive = 8 << 30

// hashHex is the lower-case hex SHA-256 used for archive references.
func hashHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// tarHeader builds the 512-byte V7 header Belenios writes.
func tarHeader(name string, size int, mtime int64) []byte {
	h := make([]byte, blockSize)
	copy(h[0:100], name)
	copy(h[100:], "0000644\x00")
	copy(h[108:], "0000000\x00")
	copy(h[116:], "0000000\x00")
	copy(h[124:], fmt.Sprintf("%011o\x00", size))
	copy(h[136:], fmt.Sprintf("%011o\x00", mtime))
	copy(h[148:], "        ")
	h[156] = '0'
	sum := 0
	for _, c := range h {
		sum += int(c)
	}
	copy(h[148:], fmt.Sprintf("%06o\x00 ", sum))
	return h
}

// ArchiveError is a malformed or non-canonical archive.
type ArchiveError struct {
	Offset int64
	Msg    string
}

// Error implements error.
func (e *ArchiveError) Error() string {
	return fmt.Sprintf("archive offset %d: %s", e.Offset, e.Msg)
}

type member struct {
	name string
	body []byte
	off  int64
}

// readMembers splits a Belenios tar file into members, checking that every
// header is exactly the one the canonical writer would produce.
func readMembers(data []byte) ([]member, int64, error) {
	var out []member
	var mtime int64 = -1
	off := 0
	for off < len(data) {
		if len(data)-off < blockSize {
			return nil, 0, &ArchiveError{int64(off), "truncated header"}
		}
		h := data[off : off+blockSize]
		if bytes.Equal(h, make([]byte, blockSize)) {
			return nil, 0, &ArchiveError{int64(off), "end-of-archive blocks are not allowed"}
		}
		nameEnd := bytes.IndexByte(h[:100], 0)
		if nameEnd <= 0 {
			return nil, 0, &ArchiveError{int64(off), "bad member name"}
		}
		name := string(h[:nameEnd])
		size, err := strconv.ParseInt(strings.TrimRight(string(h[124:135]), "\x00"), 8, 64)
		if err != nil || size < 0 || size > maxArchive {
			return nil, 0, &ArchiveError{int64(off), "bad member size"}
		}
		mt, err := strconv.ParseInt(strings.TrimRight(string(h[136:147]), "\x00"), 8, 64)
		if err != nil {
			return nil, 0, &ArchiveError{int64(off), "bad member time"}
		}
		if mtime == -1 {
			mtime = mt
		}
		if !bytes.Equal(h, tarHeader(name, int(size), mtime)) {
			return nil, 0, &ArchiveError{int64(off), fmt.Sprintf("header of %q is not canonical", name)}
		}
		bodyStart := off + blockSize
		padded := (int(size) + blockSize - 1) / blockSize * blockSize
		if bodyStart+padded > len(data) {
			return nil, 0, &ArchiveError{int64(off), fmt.Sprintf("member %q is truncated", name)}
		}
		body := data[bodyStart : bodyStart+int(size)]
		for _, c := range data[bodyStart+int(size) : bodyStart+padded] {
			if c != 0 {
				return nil, 0, &ArchiveError{int64(off), "non-zero padding"}
			}
		}
		out = append(out, member{name, body, int64(off)})
		off = bodyStart + padded
	}
	return out, mtime, nil
}

// ParseArchive reads a .bel file: the BELENIOS header member, then data
// and event members named by the SHA-256 of their contents. It checks
// the tar layout, the member names and the hash chain of the events
// (parent and height), and that the file is exactly what the canonical
// writer produces from its event chain.
func ParseArchive(data []byte) (*Archive, error) {
	ms, mtime, err := readMembers(data)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 || ms[0].name != "BELENIOS" {
		return nil, &ArchiveError{0, "first member is not BELENIOS"}
	}
	want := headerJSON(mtime)
	if !bytes.Equal(ms[0].body, want) {
		return nil, &ArchiveError{0, "BELENIOS header is not " + string(want)}
	}
	a := &Archive{Timestamp: mtime, Data: map[string][]byte{}, Raw: data}
	for _, m := range ms[1:] {
		h := hashHex(m.body)
		switch m.name {
		case h + ".data.json":
			a.Data[h] = m.body
		case h + ".event.json":
			ev, err := ParseEvent(m.body)
			if err != nil {
				return nil, &ArchiveError{m.off, fmt.Sprintf("event %s: %v", h, err)}
			}
			a.Events = append(a.Events, ArchiveEvent{ev, h, m.body})
		default:
			if strings.HasSuffix(m.name, ".data.json") || strings.HasSuffix(m.name, ".event.json") {
				return nil, &ArchiveError{m.off, fmt.Sprintf("member %q: name is not the SHA-256 of its contents (%s)", m.name, h)}
			}
			return nil, &ArchiveError{m.off, fmt.Sprintf("unexpected member %q", m.name)}
		}
	}
	if err := a.checkChain(); err != nil {
		return nil, err
	}
	if !bytes.Equal(a.Bytes(), data) {
		return nil, &ArchiveError{0, "archive is not in canonical form (members out of order, missing or extra)"}
	}
	return a, nil
}

// ChainError is a broken hash chain.
type ChainError struct {
	Height int
	Msg    string
}

// Error implements error.
func (e *ChainError) Error() string { return fmt.Sprintf("event %d: %s", e.Height, e.Msg) }

func (a *Archive) checkChain() error {
	parent := ""
	for i, ev := range a.Events {
		if ev.Height != i {
			return &ChainError{i, fmt.Sprintf("height is %d, want %d (an event was removed or inserted)", ev.Height, i)}
		}
		if ev.Parent != parent {
			return &ChainError{i, "parent hash does not match the previous event (an event was removed, changed or reordered)"}
		}
		if ev.Payload != "" {
			if _, ok := a.Data[ev.Payload]; !ok {
				return &ChainError{i, "payload " + ev.Payload + " is missing"}
			}
		}
		parent = ev.Hash
	}
	return nil
}

func headerJSON(ts int64) []byte {
	return []byte(`{"version":1,"timestamp":"` + strconv.FormatInt(ts, 10) + `"}`)
}

// memberOrder lists the data members written before an event, in order.
func (a *Archive) memberOrder(ev Event) ([]string, error) {
	if ev.Payload == "" {
		return nil, nil
	}
	p := ev.Payload
	switch ev.Type {
	case EvSetup:
		sd, err := ParseSetupData(a.Data[p])
		if err != nil {
			return nil, err
		}
		return []string{sd.Election, sd.Trustees, sd.Credentials, p}, nil
	case EvEncryptedTally:
		st, err := ParseSizedTally(a.Data[p])
		if err != nil {
			return nil, err
		}
		return []string{st.Tally, p}, nil
	case EvPartialDecryption, EvShuffle:
		o, err := ParseOwned(a.Data[p])
		if err != nil {
			return nil, err
		}
		return []string{o.Payload, p}, nil
	}
	return []string{p}, nil
}

// Bytes returns the canonical .bel encoding of the archive: the header,
// then for each event its data members and the event itself.
func (a *Archive) Bytes() []byte {
	var buf bytes.Buffer
	put := func(name string, body []byte) {
		buf.Write(tarHeader(name, len(body), a.Timestamp))
		buf.Write(body)
		if r := len(body) % blockSize; r != 0 {
			buf.Write(make([]byte, blockSize-r))
		}
	}
	put("BELENIOS", headerJSON(a.Timestamp))
	for _, ev := range a.Events {
		names, err := a.memberOrder(ev.Event)
		if err != nil {
			// An unparsable payload cannot be placed canonically; write
			// the payload alone so the comparison fails visibly.
			names = []string{ev.Payload}
		}
		for _, h := range names {
			if d, ok := a.Data[h]; ok {
				put(h+".data.json", d)
			}
		}
		put(ev.Hash+".event.json", ev.Raw)
	}
	return buf.Bytes()
}

// NewArchive starts an empty archive with the given header time.
func NewArchive(timestamp int64) *Archive {
	return &Archive{Timestamp: timestamp, Data: map[string][]byte{}}
}

// AddData stores a data member and returns its hash.
func (a *Archive) AddData(b []byte) string {
	h := hashHex(b)
	a.Data[h] = b
	return h
}

// AddEvent appends an event of the given type with the payload hash ("" for
// none), linking it to the previous event.
func (a *Archive) AddEvent(typ, payload string) {
	ev := Event{Height: len(a.Events), Type: typ, Payload: payload}
	if n := len(a.Events); n > 0 {
		ev.Parent = a.Events[n-1].Hash
	}
	raw := ev.Marshal()
	a.Events = append(a.Events, ArchiveEvent{ev, hashHex(raw), raw})
}

// ReadArchive loads the archive at path: a .bel file, or a directory that
// holds exactly one .bel file (as belenios-tool's --dir).
func ReadArchive(path string) (*Archive, error) {
	file, err := FindArchive(path)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return ParseArchive(data)
}

// FindArchive resolves a directory to the one .bel file inside it.
func FindArchive(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return path, nil
	}
	ms, err := filepath.Glob(filepath.Join(path, "*.bel"))
	if err != nil {
		return "", err
	}
	if len(ms) != 1 {
		return "", fmt.Errorf("%s: want exactly one .bel file, found %d", path, len(ms))
	}
	return ms[0], nil
}
