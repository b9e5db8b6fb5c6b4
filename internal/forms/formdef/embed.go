package formdef

import (
	"embed"
	"encoding/json"
	"io/fs"
	"path"
	"strings"
)

//go:embed schema/form-definition.schema.json messages/*.json library/*.json
var files embed.FS

// SchemaJSON returns the JSON Schema (draft 2020-12) of form definitions.
// It describes the structure; Check also enforces what a schema cannot
// express (references between fields, cycles, regular expressions).
func SchemaJSON() []byte {
	b, err := files.ReadFile("schema/form-definition.schema.json")
	if err != nil {
		panic("formdef: embedded schema missing: " + err.Error())
	}
	return b
}

// Messages returns the message catalogue of the package: nb.json, nn.json
// and en.json, each a flat JSON object of message key → text with fmt
// verbs. It holds the field error keys ("forms.error.*"), the words of
// Summary ("forms.value.*") and the texts of the privacy notice
// ("forms.privacy.*"). The fødselsnummer keys ("nin.error.*") are in
// package nin.
func Messages() fs.FS {
	sub, err := fs.Sub(files, "messages")
	if err != nil {
		panic("formdef: embedded messages missing: " + err.Error())
	}
	return sub
}

// messagesFor reads the messages of one language, bokmål for any other.
func messagesFor(lang string) map[string]string {
	switch lang {
	case "nb", "nn", "en":
	default:
		lang = "nb"
	}
	b, err := files.ReadFile("messages/" + lang + ".json")
	if err != nil {
		panic("formdef: embedded messages missing: " + err.Error())
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		panic("formdef: embedded messages broken: " + err.Error())
	}
	return m
}

// Library returns the shared demo form definitions, by form id (the file
// name without ".json"): "barnehageplass" (søknad om barnehageplass),
// "skoleskyss" (søknad om skoleskyss) and "kontakt" (contact form without
// sign-in). Each passes Parse. The bytes are a fresh copy.
func Library() map[string][]byte {
	out := map[string][]byte{}
	entries, err := files.ReadDir("library")
	if err != nil {
		panic("formdef: embedded library missing: " + err.Error())
	}
	for _, e := range entries {
		b, err := files.ReadFile(path.Join("library", e.Name()))
		if err != nil {
			panic("formdef: embedded library broken: " + err.Error())
		}
		out[strings.TrimSuffix(e.Name(), ".json")] = b
	}
	return out
}
