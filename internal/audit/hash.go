package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"strconv"
	"time"
)

// hashVersion is the first field of every hashed encoding; a future change
// of the encoding gets a new one.
const hashVersion = "torg-audit-v1"

// TimeLayout is how At enters the hash: UTC, RFC 3339, six fractional
// digits.
const TimeLayout = "2006-01-02T15:04:05.000000Z07:00"

// Hash returns the hash of e as described in the package documentation:
// the lower-case hex SHA-256 of its fields, each length-prefixed, ending
// with e.PrevHash. It ignores e.Hash.
func Hash(e Entry) string {
	h := sha256.New()
	for _, f := range [...]string{
		hashVersion,
		e.Tenant,
		strconv.FormatInt(e.Seq, 10),
		e.At.UTC().Format(TimeLayout),
		e.ActorID,
		e.ActorName,
		e.Role,
		e.Action,
		e.Object,
		e.Subject,
		e.Purpose,
		e.RequestID,
		e.Detail,
		e.PrevHash,
	} {
		writeField(h, f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// writeField writes s's length in bytes as a 4-byte big-endian number and
// then s.
func writeField(h hash.Hash, s string) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(s)))
	h.Write(n[:])
	h.Write([]byte(s))
}

// canonicalTime reports whether t holds no more than microseconds, the
// precision the hash (and both databases) keep.
func canonicalTime(t time.Time) bool { return t.Equal(t.Truncate(time.Microsecond)) }
