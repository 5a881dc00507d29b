package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"github.com/danielgtaylor/huma/v2"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

type patchPostingInput struct {
	ID      string `path:"id" maxLength:"64"`
	IfMatch string `header:"If-Match" doc:"The ETag of the version you read; a stale one is a 412."`
	RawBody []byte `contentType:"application/merge-patch+json"`
}

// notEditable are the posting fields a merge patch may not set.
var notEditable = map[string]string{
	"id": "is set by the server", "poster_id": "is set by the server", "status": "changes through /close",
	"close_reason": "changes through /close", "created_at": "is set by the server",
	"updated_at": "is set by the server", "version": "is set by the server",
	"org_id": "cannot change after posting",
}

// editableFields are the JSON names of postingBody, the fields a patch may
// set; built on the first patch, not at every function's start (only
// PostingsFunction serves patches).
var editableFields = sync.OnceValue(func() map[string]bool { return jsonFieldNames(reflect.TypeOf(postingBody{})) })

func handlePatchPosting(postings warmlead.PostingService) func(context.Context, *patchPostingInput) (*postingOutput, error) {
	return func(ctx context.Context, in *patchPostingInput) (*postingOutput, error) {
		patch, err := decodeMergePatch(in.RawBody)
		if err != nil {
			return nil, err
		}
		match, err := parseIfMatch(in.IfMatch)
		if err != nil {
			return nil, err
		}
		// The store checks one version; a list is checked here against the
		// version it read, and its write is still conditional on that one.
		p, err := postings.UpdatePosting(ctx, caller(ctx), in.ID, match.version(), func(p *warmlead.Posting) error {
			if !match.matches(p.Version) {
				return staleIfMatch()
			}
			return applyMergePatch(p, patch)
		})
		if err != nil {
			return nil, err
		}
		return newPostingOutput(http.StatusOK, p), nil
	}
}

// decodeMergePatch reads an RFC 7396 merge patch of a posting: a JSON
// object whose keys are editable fields.
func decodeMergePatch(raw []byte) (map[string]any, error) {
	var patch map[string]any
	if err := json.Unmarshal(raw, &patch); err != nil || patch == nil {
		return nil, &warmlead.Error{Code: warmlead.EBADREQUEST, Message: "The body must be a JSON merge patch (an object).",
			Fields: []warmlead.FieldError{{Field: "", Message: "not a JSON object"}}} // "": the body as a whole
	}
	var fields []warmlead.FieldError
	for k := range patch {
		if len(fields) == maxProblemErrors {
			break // a problem lists no more (problems.go)
		}
		if why, ok := notEditable[k]; ok {
			fields = append(fields, warmlead.FieldError{Field: k, Message: why})
		} else if !editableFields()[k] {
			fields = append(fields, warmlead.FieldError{Field: k, Message: "unexpected property"})
		}
	}
	if len(fields) > 0 {
		return nil, warmlead.Invalid(fields...)
	}
	return patch, nil
}

// applyMergePatch applies patch to p's editable fields (RFC 7396: null
// removes, objects merge, anything else replaces) and decodes the result
// strictly, naming the field of any type error.
func applyMergePatch(p *warmlead.Posting, patch map[string]any) error {
	current, err := json.Marshal(bodyOf(p))
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := json.Unmarshal(current, &doc); err != nil {
		return err
	}
	merged, err := json.Marshal(mergePatch(doc, patch))
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(merged))
	dec.DisallowUnknownFields()
	var body postingBody
	if err := dec.Decode(&body); err != nil {
		var typeErr *json.UnmarshalTypeError
		field := "" // the body as a whole
		if errors.As(err, &typeErr) {
			field = typeErr.Field
		}
		return warmlead.Invalid(warmlead.FieldError{Field: field, Message: "has the wrong type"})
	}
	next := body.posting()
	*p = mergeEditable(*p, next)
	return nil
}

// mergeEditable returns current with the editable fields of next.
func mergeEditable(current warmlead.Posting, next *warmlead.Posting) warmlead.Posting {
	next.ID, next.OrgID, next.PosterID, next.Status, next.CloseReason = current.ID, current.OrgID, current.PosterID, current.Status, current.CloseReason
	next.CreatedAt, next.UpdatedAt, next.Version = current.CreatedAt, current.UpdatedAt, current.Version
	return *next
}

// mergePatch is RFC 7396's MergePatch(target, patch).
func mergePatch(target any, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	tm, ok := target.(map[string]any)
	if !ok {
		tm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(tm, k)
		} else {
			tm[k] = mergePatch(tm[k], v)
		}
	}
	return tm
}

// jsonFieldNames lists the JSON names of a struct's fields.
func jsonFieldNames(t reflect.Type) map[string]bool {
	names := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names[name] = true
		}
	}
	return names
}

// documentMergePatch describes a merge-patch body in the OpenAPI document.
// huma documents a raw body as binary; the patch is in fact any subset of
// the editable fields, so point the document at their schema.
func documentMergePatch(api huma.API, path string, editable reflect.Type) {
	item := api.OpenAPI().Paths[path]
	if item == nil || item.Patch == nil || item.Patch.RequestBody == nil {
		return
	}
	// The raw body's strings follow the editable fields' text rules.
	if item.Patch.Metadata == nil {
		item.Patch.Metadata = map[string]any{}
	}
	spec := textSpecOf(editable)
	spec.open = true // decodeMergePatch names the fields a patch may not set
	item.Patch.Metadata[textSpecKey] = spec
	ref := api.OpenAPI().Components.Schemas.Schema(editable, true, "")
	item.Patch.RequestBody.Content = map[string]*huma.MediaType{mergePatchType: {Schema: &huma.Schema{
		Description: "A JSON merge patch (RFC 7396) of the editable fields: send only what changes; null removes an optional field. Required fields cannot be removed.",
		AllOf:       []*huma.Schema{ref},
	}}}
}

const mergePatchType = "application/merge-patch+json"
