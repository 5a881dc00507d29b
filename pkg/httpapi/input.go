package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/queryparam"
	"github.com/warmlead/warmlead/pkg/warmlead"
)

// One mechanism applies the text rules (docs/rules.md, "Text") to every
// operation: cleanInput reads each query value and each string in a JSON
// body before huma decodes anything, refuses what warmlead.CleanText
// refuses with a 422 naming the field (`query.field`, `body.title`,
// `body.location.city`), and hands huma the NFC-normalised text. It reads
// the raw bytes, so invalid UTF-8 is caught where encoding/json would
// silently turn it into U+FFFD. It also enforces the body limit (a body of
// exactly MaxBodyBytes is read), refuses numbers no float64 holds (1e400)
// and nesting deeper than maxBodyDepth, all without echoing what was sent.

// maxBodyDepth bounds how deeply a body may nest; Warmlead's deepest body
// (a posting's pay or location) is two levels.
const maxBodyDepth = 32

// textSpecKey is the operation metadata holding the body's textSpec.
const textSpecKey = "warmlead.text"

// textSpec mirrors a body's Go type: which strings are multi-line (tag
// `text:"multiline"`: newline and tab allowed). Strings it does not know
// follow the single-line rules.
type textSpec struct {
	multiline bool
	fields    map[string]*textSpec // object members by JSON name
	elem      *textSpec            // array items, map values
	maxItems  int                  // an array's `maxItems`, 0 if none
	open      bool                 // an object that may hold other members (a merge patch)
}

// closed reports whether s is an object whose members are all known, so
// any other is refused at once.
func (s *textSpec) closed() bool { return s != nil && s.fields != nil && !s.open }

func (s *textSpec) field(name string) *textSpec {
	if s == nil {
		return nil
	}
	if s.elem != nil && s.fields == nil {
		return s.elem // a map
	}
	return s.fields[name]
}

func (s *textSpec) item() *textSpec {
	if s == nil {
		return nil
	}
	return s.elem
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()
)

// textSpecOf builds the textSpec of a body type.
func textSpecOf(t reflect.Type) *textSpec {
	return buildTextSpec(t, false, map[reflect.Type]*textSpec{})
}

func buildTextSpec(t reflect.Type, multiline bool, seen map[reflect.Type]*textSpec) *textSpec {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.String && (t.Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(jsonUnmarshaler) ||
		reflect.PointerTo(t).Implements(textUnmarshaler)) {
		return &textSpec{} // time.Time and the like: single-line text
	}
	switch t.Kind() {
	case reflect.String:
		return &textSpec{multiline: multiline}
	case reflect.Slice, reflect.Array:
		return &textSpec{elem: buildTextSpec(t.Elem(), multiline, seen)}
	case reflect.Map:
		return &textSpec{elem: buildTextSpec(t.Elem(), multiline, seen)}
	case reflect.Struct:
		if s, ok := seen[t]; ok {
			return s
		}
		s := &textSpec{fields: map[string]*textSpec{}}
		seen[t] = s
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || (!f.IsExported() && !f.Anonymous) {
				continue
			}
			child := buildTextSpec(f.Type, f.Tag.Get("text") == "multiline", seen)
			if n, err := strconv.Atoi(f.Tag.Get("maxItems")); err == nil && child.elem != nil && child.fields == nil {
				child.maxItems = n
			}
			if f.Anonymous && name == "" && child.fields != nil {
				for k, v := range child.fields {
					s.fields[k] = v
				}
				continue
			}
			if name == "" {
				name = f.Name
			}
			s.fields[name] = child
		}
		return s
	}
	return nil
}

// bodyTextSpec is the textSpec of an input struct's Body field, if any.
func bodyTextSpec(input reflect.Type) *textSpec {
	if f, ok := input.FieldByName("Body"); ok {
		return textSpecOf(f.Type)
	}
	return nil
}

// humaContext lets cleanedContext embed huma.Context (whose Context
// method would clash with a field of that name).
type humaContext = huma.Context

// cleanedContext is a huma.Context whose query and body are the cleaned
// ones.
type cleanedContext struct {
	humaContext
	rawQuery string
	body     []byte
	headers  map[string]string // declared header parameters, cleaned
}

func (c *cleanedContext) Header(name string) string {
	if v, ok := c.headers[http.CanonicalHeaderKey(name)]; ok {
		return v
	}
	return c.humaContext.Header(name)
}

func (c *cleanedContext) URL() url.URL {
	u := c.humaContext.URL()
	u.RawQuery = c.rawQuery
	return u
}

func (c *cleanedContext) Query(name string) string { return queryparam.Get(c.rawQuery, name) }

func (c *cleanedContext) BodyReader() io.Reader { return bytes.NewReader(c.body) }

// cleanInput is the middleware applying the text rules to every operation.
func cleanInput(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		u := ctx.URL()
		cc := &cleanedContext{humaContext: ctx, rawQuery: u.RawQuery}
		var fields []*huma.ErrorDetail
		if u.RawQuery != "" {
			raw, errs := cleanQuery(u.RawQuery)
			cc.rawQuery, fields = raw, errs
		}
		op := ctx.Operation()
		// Header parameters the operation declares (Idempotency-Key, which
		// is stored) follow the single-line rules too.
		for _, p := range op.Parameters {
			if p == nil || p.In != "header" || len(fields) >= maxProblemErrors {
				continue
			}
			v := ctx.Header(p.Name)
			if v == "" {
				continue
			}
			clean, why := warmlead.CleanText(v, false)
			if why != warmlead.TextOK {
				fields = append(fields, errorDetail("header."+p.Name, string(why)))
				continue
			}
			if cc.headers == nil {
				cc.headers = map[string]string{}
			}
			cc.headers[http.CanonicalHeaderKey(p.Name)] = clean
		}
		if op.RequestBody == nil {
			if len(fields) > 0 {
				writeInputProblem(api, ctx, http.StatusUnprocessableEntity, fields)
				return
			}
			next(cc)
			return
		}
		body, err := io.ReadAll(io.LimitReader(bodyReader(ctx), MaxBodyBytes+1))
		if err != nil {
			writeInputProblem(api, ctx, http.StatusBadRequest, []*huma.ErrorDetail{{Location: "body", Message: "could not be read"}})
			return
		}
		if len(body) > MaxBodyBytes {
			_ = huma.WriteErr(api, ctx, http.StatusRequestEntityTooLarge,
				"The body is larger than "+strconv.Itoa(MaxBodyBytes)+" bytes.",
				&huma.ErrorDetail{Location: "body", Message: "must be at most " + strconv.Itoa(MaxBodyBytes) + " bytes"})
			return
		}
		if isJSON(ctx.Header("Content-Type")) && len(body) > 0 {
			spec, _ := op.Metadata[textSpecKey].(*textSpec)
			cleaned, errs, status := cleanJSON(body, spec, maxProblemErrors-len(fields))
			if status != 0 {
				writeInputProblem(api, ctx, status, append(fields, errs...))
				return
			}
			fields = append(fields, errs...)
			if len(fields) > 0 {
				fields = withSchemaErrors(api, op, body, fields)
			}
			body = cleaned
		}
		if len(fields) > 0 {
			writeInputProblem(api, ctx, http.StatusUnprocessableEntity, fields)
			return
		}
		cc.body = body
		next(cc)
	}
}

// withSchemaErrors adds to fields, found before huma sees the request, what
// the operation's body schema finds wrong with body, so that one problem
// names every field at fault (docs/rules.md, "Problems"), not only those of
// the first check. A location already named is not named twice. body is
// JSON that parsed.
func withSchemaErrors(api huma.API, op *huma.Operation, body []byte, fields []*huma.ErrorDetail) []*huma.ErrorDetail {
	mt := op.RequestBody.Content["application/json"]
	if mt == nil || mt.Schema == nil || len(fields) >= maxProblemErrors {
		return fields
	}
	var data any
	if err := json.Unmarshal(body, &data); err != nil {
		return fields
	}
	named := make(map[string]bool, len(fields))
	for _, f := range fields {
		named[f.Location] = true
	}
	pb := huma.NewPathBuffer(make([]byte, 0, 64), 0)
	pb.Push("body")
	var res huma.ValidateResult
	huma.Validate(api.OpenAPI().Components.Schemas, mt.Schema, pb, huma.ModeWriteToServer, data, &res)
	for _, err := range res.Errors {
		d, ok := err.(*huma.ErrorDetail)
		if !ok || len(fields) >= maxProblemErrors {
			continue
		}
		if loc := fieldLocation(d); !named[loc] { // errors.go
			named[loc] = true
			fields = append(fields, errorDetail(d.Location, d.Message))
		}
	}
	return fields
}

func bodyReader(ctx huma.Context) io.Reader {
	if r := ctx.BodyReader(); r != nil {
		return r
	}
	return bytes.NewReader(nil)
}

func isJSON(contentType string) bool {
	ct, _, _ := strings.Cut(contentType, ";")
	ct = strings.ToLower(strings.TrimSpace(ct))
	return ct == "" || ct == "application/json" || strings.HasSuffix(ct, "+json")
}

func writeInputProblem(api huma.API, ctx huma.Context, status int, fields []*huma.ErrorDetail) {
	errs := make([]error, 0, len(fields))
	for _, f := range fields {
		errs = append(errs, f)
	}
	detail := "The request is invalid."
	if status == http.StatusBadRequest {
		detail = "The request cannot be read."
	}
	_ = huma.WriteErr(api, ctx, status, detail, errs...)
}

// cleanQuery applies the text rules to every query value and returns the
// query with NFC-normalised values. A query that does not parse is refused
// naming its broken parameters: net/url drops them, so a filter with a bad
// escape (kind=%zz) would otherwise be silently ignored.
func cleanQuery(raw string) (string, []*huma.ErrorDetail) {
	values, err := url.ParseQuery(raw)
	if err != nil {
		return raw, malformedQuery(raw)
	}
	var fields []*huma.ErrorDetail
	changed := false
	for name, vs := range values {
		// Every parameter takes one value: kind=job&kind=internship would
		// otherwise read as kind=job, silently (docs/rules.md, "Query
		// parameters").
		if len(vs) > 1 && len(fields) < maxProblemErrors {
			fields = append(fields, errorDetail("query."+name, "must be given once"))
			continue
		}
		for i, v := range vs {
			clean, why := warmlead.CleanText(v, false)
			if why != warmlead.TextOK {
				if len(fields) < maxProblemErrors {
					fields = append(fields, errorDetail("query."+name, string(why)))
				}
				continue
			}
			if clean != v {
				vs[i], changed = clean, true
			}
		}
	}
	if !changed || len(fields) > 0 {
		return raw, fields
	}
	return values.Encode(), nil
}

// malformedQuery names each parameter of raw that net/url cannot read: a
// bad percent-escape in its name or value, or a semicolon separator.
func malformedQuery(raw string) []*huma.ErrorDetail {
	var fields []*huma.ErrorDetail
	for _, pair := range strings.Split(raw, "&") {
		if len(fields) >= maxProblemErrors {
			break
		}
		name, value, _ := strings.Cut(pair, "=")
		key, kerr := url.QueryUnescape(name)
		switch {
		case kerr != nil || strings.Contains(name, ";"):
			fields = append(fields, errorDetail("query", "a parameter name is not valid percent-encoding"))
		default:
			if _, verr := url.QueryUnescape(value); verr != nil || strings.Contains(value, ";") {
				fields = append(fields, errorDetail("query."+key, "is not valid percent-encoding"))
			}
		}
	}
	if len(fields) == 0 { // cannot happen: ParseQuery failed on one of them
		fields = append(fields, errorDetail("query", "is not a valid query string"))
	}
	return fields
}

// frame is one open object or array while walking a body.
type frame struct {
	object    bool
	expectKey bool
	key       string
	index     int
	spec      *textSpec
}

// cleanJSON walks a JSON body token by token. It returns the body with
// every string NFC-normalised, the strings that break the text rules and
// numbers out of range (at most max), or a status (400) when the body is
// not JSON at all or nests too deeply.
func cleanJSON(body []byte, spec *textSpec, max int) ([]byte, []*huma.ErrorDetail, int) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var (
		stack  []frame
		fields []*huma.ErrorDetail
		out    []byte // the cleaned body, built only if a string changes
		copied int    // body[:copied] is already in out
		values int    // top-level values read; JSON has exactly one
	)
	// locationOf names the value the innermost of frames points at.
	locationOf := func(frames []frame) string {
		var b strings.Builder
		b.WriteString("body")
		for _, f := range frames {
			if f.object {
				b.WriteByte('.')
				b.WriteString(f.key)
			} else {
				b.WriteByte('[')
				b.WriteString(strconv.Itoa(f.index))
				b.WriteByte(']')
			}
		}
		return b.String()
	}
	location := func() string { return locationOf(stack) }
	// valueSpec is the spec of the value about to be read.
	valueSpec := func() *textSpec {
		if len(stack) == 0 {
			return spec
		}
		top := &stack[len(stack)-1]
		if top.object {
			return top.spec.field(top.key)
		}
		return top.spec.item()
	}
	afterValue := func() {
		if len(stack) == 0 {
			values++
			return
		}
		top := &stack[len(stack)-1]
		if top.object {
			top.expectKey = true
		} else {
			top.index++
		}
	}
	// tooMany reports an array past its maxItems: refused at once, so a
	// body of 80,000 wrong items costs one error, not 80,000.
	tooMany := func() bool {
		if len(stack) == 0 {
			return false
		}
		top := stack[len(stack)-1]
		if top.object || top.spec == nil || top.spec.maxItems == 0 || top.index <= top.spec.maxItems {
			return false
		}
		fields = append(fields, errorDetail(locationOf(stack[:len(stack)-1]), "must have at most "+strconv.Itoa(top.spec.maxItems)+" items"))
		return true
	}
	for len(fields) < max && !tooMany() {
		if len(stack) == 0 && values > 0 {
			if _, err := dec.Token(); !errors.Is(err, io.EOF) {
				return nil, []*huma.ErrorDetail{{Location: "body", Message: "is not valid JSON (more than one value)"}}, http.StatusBadRequest
			}
			break
		}
		start := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if len(stack) > 0 {
				return nil, []*huma.ErrorDetail{{Location: "body", Message: "is not valid JSON (it ends too soon)"}}, http.StatusBadRequest
			}
			break
		}
		if err != nil {
			return nil, []*huma.ErrorDetail{{Location: "body", Message: "is not valid JSON (at byte " + strconv.FormatInt(dec.InputOffset(), 10) + ")"}}, http.StatusBadRequest
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if len(stack) >= maxBodyDepth {
					return nil, []*huma.ErrorDetail{{Location: "body", Message: "must not nest more than " + strconv.Itoa(maxBodyDepth) + " levels deep"}}, http.StatusBadRequest
				}
				stack = append(stack, frame{object: t == '{', expectKey: t == '{', spec: valueSpec()})
			default:
				stack = stack[:len(stack)-1]
				afterValue()
			}
		case string:
			if len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].expectKey {
				top := &stack[len(stack)-1]
				top.key, top.expectKey = t, false
				if top.spec.closed() {
					if _, known := top.spec.fields[t]; !known {
						// Refused here, before huma validates what it holds.
						fields = append(fields, errorDetail(location(), "unexpected property"))
					}
				}
				continue
			}
			s := valueSpec()
			rawStart, rawEnd := stringBounds(body, int(start), int(dec.InputOffset()))
			clean, why := cleanString(body[rawStart:rawEnd], t, s != nil && s.multiline)
			switch {
			case why != warmlead.TextOK:
				fields = append(fields, errorDetail(location(), string(why)))
			case clean != t:
				out = append(out, body[copied:rawStart]...)
				out = appendJSONString(out, clean)
				copied = rawEnd
			}
			afterValue()
		case json.Number:
			if _, err := strconv.ParseFloat(string(t), 64); err != nil {
				fields = append(fields, errorDetail(location(), "is out of range"))
			}
			afterValue()
		default: // bool, null
			afterValue()
		}
	}
	if out == nil || len(fields) > 0 {
		return body, fields, 0
	}
	return append(out, body[copied:]...), fields, 0
}

// stringBounds finds the string token that ends at end: it starts at the
// first quote after the separators following from.
func stringBounds(body []byte, from, end int) (int, int) {
	i := from
	for i < end && body[i] != '"' {
		i++
	}
	return i, end
}

// cleanString applies the text rules to one JSON string: raw is its source
// (quotes included), decoded what encoding/json made of it.
func cleanString(raw []byte, decoded string, multiline bool) (string, warmlead.TextProblem) {
	if !utf8.Valid(raw) || strings.Count(decoded, "\uFFFD") > replacementsIn(raw) {
		// Invalid bytes, or an escaped lone surrogate (\ud800): both
		// decode to U+FFFD, which the client did not send.
		return decoded, warmlead.TextBadUTF8
	}
	return warmlead.CleanText(decoded, multiline)
}

// replacementsIn counts the U+FFFD a client really sent in raw: literally
// or as \ufffd.
func replacementsIn(raw []byte) int {
	n := bytes.Count(raw, []byte("\uFFFD"))
	for i := 0; i+5 < len(raw); i++ {
		if raw[i] == '\\' {
			if raw[i+1] == 'u' && strings.EqualFold(string(raw[i+2:i+6]), "fffd") {
				n++
			}
			i++ // skip the escaped character
		}
	}
	return n
}

// appendJSONString appends s as a JSON string, without HTML escaping.
func appendJSONString(dst []byte, s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return append(dst, bytes.TrimRight(b.Bytes(), "\n")...)
}

// optionalBodyWhenNoFieldIsRequired makes an operation's JSON body optional
// when none of its fields is required (creating a referral, expressing
// interest): an empty body then means "no fields", not a 400. huma marks a
// non-pointer Body required; the operation is the one huma serves, so the
// change holds for requests and the document alike.
func optionalBodyWhenNoFieldIsRequired(api huma.API, method, path string) {
	item := api.OpenAPI().Paths[path]
	if item == nil {
		return
	}
	op := map[string]*huma.Operation{http.MethodPost: item.Post, http.MethodPut: item.Put, http.MethodPatch: item.Patch}[method]
	if op == nil || op.RequestBody == nil || !op.RequestBody.Required {
		return
	}
	mt := op.RequestBody.Content["application/json"]
	if mt == nil || mt.Schema == nil {
		return
	}
	s := mt.Schema
	if s.Ref != "" {
		s = api.OpenAPI().Components.Schemas.SchemaFromRef(s.Ref)
	}
	if s != nil && s.Type == "object" && len(s.Required) == 0 {
		op.RequestBody.Required = false
	}
}
