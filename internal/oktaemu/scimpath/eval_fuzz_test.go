package scimpath

import (
	"encoding/json"
	"testing"
)

// FuzzEval fuzzes the evaluator with the record as well as the path (FuzzParse keeps the record
// fixed): any JSON document a SCIM app might send, any path. Evaluation never panics, its answer is
// deterministic, a found value is part of the record (never nil), and the package-level Eval agrees
// with Parse + Path.Eval.
func FuzzEval(f *testing.F) {
	for _, seed := range []struct{ rec, path string }{
		{record, "phoneNumbers.^[type=='Dialpad'].value"},
		{record, "x.list.^[k==3].v"},
		{record, "emails.^[primary==true].value"},
		{record, "name.givenName"},
		{`{"phoneNumbers": null}`, "phoneNumbers.^[type=='Dialpad'].value"},
		{`{"phoneNumbers": [null, 1, "s", [], {}]}`, "phoneNumbers.^[type!='x'].value"},
		{`{"a": [[{"b": 1}]]}`, "a.b"},
		{`[{"a": 1}]`, "a"},
		{`"just a string"`, "a.^[b==1]"},
		{`{"a": {"b": {"c": {"d": {"e": "deep"}}}}}`, "a.b.c.d.e"},
	} {
		f.Add(seed.rec, seed.path)
	}
	f.Fuzz(func(t *testing.T, recJSON, path string) {
		var rec any
		if json.Unmarshal([]byte(recJSON), &rec) != nil {
			return
		}
		p, err := Parse(path)
		v1, ok1, err1 := Eval(rec, path)
		if (err == nil) != (err1 == nil) {
			t.Fatalf("Parse error %v but Eval error %v for %q", err, err1, path)
		}
		if err != nil {
			return
		}
		v2, ok2 := p.Eval(rec)
		if ok1 != ok2 {
			t.Fatalf("Eval and Path.Eval disagree on %q over %s: %v vs %v", path, recJSON, ok1, ok2)
		}
		if ok1 {
			if v1 == nil {
				t.Fatalf("%q over %s found nil", path, recJSON)
			}
			a, _ := json.Marshal(v1)
			b, _ := json.Marshal(v2)
			if string(a) != string(b) {
				t.Fatalf("%q over %s is not deterministic: %s vs %s", path, recJSON, a, b)
			}
		} else if v1 != nil || v2 != nil {
			t.Fatalf("%q over %s: not found but returned %v / %v", path, recJSON, v1, v2)
		}
	})
}
