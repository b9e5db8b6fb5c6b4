package vote

import (
	"errors"
	"fmt"
	"io"

	"github.com/torg-ekommune/torg/internal/election/belenios"
)

// DecryptRecord is a Single trustee's side of the count, run on the
// trustee's own computer by `torg election trustee decrypt`: it verifies
// the record downloaded from the election's page (every ballot, the
// encrypted tally), finds the trustee's key among the election's
// trustees, and returns the partial decryption of the tally to upload
// (canonical JSON).
func DecryptRecord(privKey, record []byte, rnd io.Reader) ([]byte, error) {
	k, err := ParsePrivateKey(privKey)
	if err != nil {
		return nil, err
	}
	return decryptRecord(k, record, rnd)
}

// DecryptRecordThreshold is the same for a threshold trustee: the key is
// the seed file of step 1 with the .dkey (or the voutput) of step 5. Only
// the threshold number of trustees need to do it.
func DecryptRecordThreshold(seed, dkey, record []byte, rnd io.Reader) ([]byte, error) {
	k, err := openShare(string(seed), dkey)
	if err != nil {
		return nil, err
	}
	return decryptRecord(k, record, rnd)
}

func decryptRecord(k *PrivateKey, record []byte, rnd io.Reader) ([]byte, error) {
	a, err := belenios.ParseArchive(record)
	if err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	if _, err := belenios.VerifyArchive(a); err != nil {
		return nil, fmt.Errorf("the record does not verify, do not decrypt: %w", err)
	}
	sd, err := belenios.ParseSetupData(a.Data[a.Events[0].Payload])
	if err != nil {
		return nil, err
	}
	elRaw := a.Data[sd.Election]
	ts, err := belenios.ParseTrustees(a.Data[sd.Trustees])
	if err != nil {
		return nil, err
	}
	mine := false
	for _, t := range ts {
		mine = mine || (t.Single != nil && t.Single.PublicKey.Cmp(k.Pub) == 0)
		if t.Pedersen != nil {
			for _, vk := range t.Pedersen.VerificationKeys {
				mine = mine || vk.PublicKey.Cmp(k.Pub) == 0
			}
		}
	}
	if !mine {
		return nil, errors.New("this key is not one of the election's trustee keys")
	}
	var tally [][]belenios.Ciphertext
	for _, ev := range a.Events {
		if ev.Type == belenios.EvEncryptedTally {
			st, err := belenios.ParseSizedTally(a.Data[ev.Payload])
			if err != nil {
				return nil, err
			}
			if tally, err = belenios.ParseTally(a.Data[st.Tally]); err != nil {
				return nil, err
			}
		}
	}
	if tally == nil {
		return nil, errors.New("the record has no encrypted tally yet: the election is not closed")
	}
	pd, err := k.PartialDecrypt(belenios.Fingerprint(elRaw), tally, rnd)
	if err != nil {
		return nil, err
	}
	return pd.Marshal(), nil
}
