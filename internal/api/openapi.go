package api

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/torg-ekommune/torg/internal/web"
)

//go:embed openapi.json
var openapiJSON []byte

// OpenAPIDocument returns the OpenAPI 3.1 document as embedded, with the
// example deployment https://torg.example.no in its server and token
// URLs.
func OpenAPIDocument() []byte { return append([]byte(nil), openapiJSON...) }

// OpenAPI returns the handler of GET /api/openapi.json. publicURL is the
// deployment's public URL (config PublicURL, no trailing slash). Mounted
// on a municipality's mux (web.Ctx has a Tenant) it serves the document
// with that municipality's server and token URLs; on the root mux, the
// deployment's with the kommunenummer as a server variable.
func OpenAPI(publicURL string) http.Handler {
	var doc map[string]any
	if err := json.Unmarshal(openapiJSON, &doc); err != nil {
		panic("api: openapi.json: " + err.Error()) // a build mistake; the tests catch it
	}
	publicURL = strings.TrimSuffix(publicURL, "/")
	scheme, _, _ := strings.Cut(publicURL, "://")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var server map[string]any
		var tokenURL string
		if t := web.From(r).Tenant; t != nil {
			origin := publicURL
			if !strings.HasPrefix(t.Base, "/k/") {
				// On the municipality's own host, which the router has
				// matched to a municipality.
				origin = scheme + "://" + r.Host
			}
			server = map[string]any{"url": origin + strings.TrimSuffix(t.Base, "/"), "description": t.NameNB}
			tokenURL = origin + t.Base + "api/token"
		} else {
			server = map[string]any{
				"url":         publicURL + "/k/{kommunenummer}",
				"description": "A municipality on this deployment, by path. A municipality on its own host has its API at that host's root, and serves its own document there.",
				"variables": map[string]any{"kommunenummer": map[string]any{
					"default": "9999", "description": "The municipality's number (kommunenummer), four digits.",
				}},
			}
			tokenURL = publicURL + "/k/9999/api/token"
		}
		out := with(doc, []string{"servers"}, []any{server})
		out = with(out, []string{"components", "securitySchemes", "oauth2", "flows", "clientCredentials", "tokenUrl"}, tokenURL)
		body, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Write(append(body, '\n'))
	})
}

// with returns a copy of m with the member at path set to v, copying only
// the objects along the path, so m itself is never changed.
func with(m map[string]any, path []string, v any) map[string]any {
	out := make(map[string]any, len(m))
	for k, x := range m {
		out[k] = x
	}
	if len(path) == 1 {
		out[path[0]] = v
		return out
	}
	inner, _ := m[path[0]].(map[string]any)
	out[path[0]] = with(inner, path[1:], v)
	return out
}
