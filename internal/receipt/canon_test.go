package receipt

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCanonicalJSON(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"b":1,"a":2}`, `{"a":2,"b":1}`},
		{` { "a" : [ 1 , -2 , 0 ] , "c" : { } , "b" : [ ] } `, `{"a":[1,-2,0],"b":[],"c":{}}`},
		{`{"formVersion":1,"format":2,"formId":3}`, `{"formId":3,"formVersion":1,"format":2}`},
		{`{"municipalityNo":1,"municipality":2}`, `{"municipality":2,"municipalityNo":1}`},
		{`"\u00e6\u00F8\u00e5"`, `"æøå"`},
		{`"\/<>&\u007f\u2028\u2029"`, "\"/<>&\u007f\u2028\u2029\""},
		{`"\"\\\b\f\n\r\t\u0001\u001F"`, `"\"\\\b\f\n\r\t\u0001\u001f"`},
		{`"\ud83d\ude00"`, `"😀"`},
		{`[true,false,null]`, `[true,false,null]`},
		{`9007199254740991`, `9007199254740991`},
		{`-9007199254740991`, `-9007199254740991`},
		{"\xEF\xBB\xBF{}", `{}`},
		// RFC 8785 section 3.2.3: sorting by UTF-16 code units puts U+FB33
		// after U+1F600 (a surrogate pair, 0xD83D...), unlike code points.
		{`{"\ufb33":1,"😀":2,"\u00e9":3,"a":4}`, "{\"a\":4,\"é\":3,\"😀\":2,\"\uFB33\":1}"},
	} {
		v, err := parseJSON([]byte(tc.in))
		if err != nil {
			t.Errorf("parseJSON(%s): %v", tc.in, err)
			continue
		}
		if got := string(canonicalJSON(v)); got != tc.want {
			t.Errorf("canonical(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestParseJSONRejects(t *testing.T) {
	for _, tc := range []struct{ in, msg string }{
		{``, "unexpected end of input"},
		{`{"a":1,"a":2}`, `byte 7: duplicate member "a"`},
		{`1.5`, "integers"},
		{`1e3`, "integers"},
		{`01`, "leading zero"},
		{`9007199254740992`, "out of range"},
		{`-99999999999999999999`, "out of range"},
		{`"\ud800"`, "lone surrogate"},
		{`"\udc00\ud800"`, "lone surrogate"},
		{`"\ud800\u0041"`, "lone surrogate"},
		{"\"\xff\"", "invalid UTF-8"},
		{"\"a\x01\"", "control character"},
		{`"\x"`, "invalid escape"},
		{`"\u12"`, "\\u escape"},
		{`"\u12G4"`, "hexadecimal"},
		{`{"a":1,}`, "member name"},
		{`[1,]`, "unexpected character"},
		{`[1 2]`, "want ',' or ']'"},
		{`{"a" 1}`, "want ':'"},
		{`{} {}`, "unexpected data after"},
		{`tru`, "literal"},
		{`-`, "want a digit"},
		{strings.Repeat("[", 65) + strings.Repeat("]", 65), "nested deeper"},
		{`{"a":"b"`, "unexpected end of input"},
		{`NaN`, "unexpected character"},
	} {
		_, err := parseJSON([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("parseJSON(%q) = %v, want an error containing %q", tc.in, err, tc.msg)
		}
	}
}

// goldenReceipt exercises every escape and member of the JSON format.
func goldenReceipt() Receipt {
	return Receipt{
		Municipality:   "Demo kommune",
		MunicipalityNo: "9999",
		Service:        "Søknad om barnehageplass",
		FormID:         "barnehage-soknad",
		FormVersion:    3,
		Reference:      "2026/01234",
		SubmittedAt:    time.Date(2026, 3, 1, 9, 15, 30, 123456000, time.UTC),
		Submitter:      "Kari Nordmann",
		SubmitterID:    "150388 *****",
		Items: []Item{
			{Group: "Barnet", Label: "Navn", Value: "Åse Ærø Øvergård"},
			{Group: "Barnet", Label: "Fødselsdato", Value: "14.02.2024"},
			{Group: "", Label: "Kommentar «sitat»", Value: "Linje 1\nLinje 2\t\"sitert\" \\ <b>&amp;</b> \u2028 \x01 😀 č"},
		},
		Attachments:    []Attachment{{Name: "legeerklæring.pdf", ContentType: "application/pdf", Size: 1234567, SHA256: strings.Repeat("3a7b", 16)}},
		ProcessingDays: 30,
		Lang:           "nn",
		VerifyURL:      "https://demo.torg.no/kvittering/kontroller",
	}
}

// TestGolden pins the canonical JSON and its signature byte for byte. A
// change here breaks every receipt already given out: add a new Format
// instead. Set TORG_UPDATE_GOLDEN=1 to rewrite the file after a deliberate
// change.
func TestGolden(t *testing.T) {
	s := testSigner("demo-2026")
	got, err := s.JSON(goldenReceipt())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "receipt.golden.json")
	if os.Getenv("TORG_UPDATE_GOLDEN") == "1" {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("JSON receipt changed:\n got %s\nwant %s", got, want)
	}
	r, err := VerifyJSON(want, testKeys(s))
	if err != nil {
		t.Fatal(err)
	}
	if !sameReceipt(r, goldenReceipt()) {
		t.Errorf("golden receipt reads back as %+v", r)
	}

	// The signed bytes are exactly the "receipt" member as written.
	start := len(`{"receipt":`)
	end := bytes.Index(want, []byte(`,"signature":`))
	if end < 0 || !bytes.HasPrefix(want, []byte(`{"receipt":{"attachments":`)) {
		t.Fatalf("unexpected layout: %s", want)
	}
	v, _ := parseJSON(want)
	rv, _ := v.(jsonObject).get("receipt")
	if !bytes.Equal(canonicalJSON(rv), want[start:end]) {
		t.Error("the receipt member is not in canonical form")
	}

	// Other JSON tools agree it is JSON, and white space does not matter.
	var generic any
	if err := json.Unmarshal(want, &generic); err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, want, "", "    "); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyJSON(pretty.Bytes(), testKeys(s)); err != nil {
		t.Errorf("pretty-printed receipt: %v", err)
	}
	// encoding/json escapes <, > and & and U+2028 as \u003c etc.; the
	// canonical form restores them, so the signature still holds.
	reencoded, _ := json.Marshal(generic)
	if _, err := VerifyJSON(reencoded, testKeys(s)); err != nil {
		t.Errorf("receipt re-encoded by encoding/json: %v", err)
	}
}
