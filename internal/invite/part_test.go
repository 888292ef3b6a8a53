package invite

import (
	"bytes"
	"io"
	"mime"
	"strings"
	"testing"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
	gomail "github.com/wneessen/go-mail"
)

// partInfo is one leaf of a parsed message.
type partInfo struct {
	path        string // media types from the root, "multipart/mixed>multipart/alternative>text/plain"
	contentType string // with parameters, as received
	disposition string
	filename    string
	body        []byte
}

// walk reads a message the way a mail client does and lists its leaves.
func walk(t *testing.T, raw []byte) []partInfo {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, raw)
	}
	var out []partInfo
	var visit func(e *message.Entity, path string)
	visit = func(e *message.Entity, path string) {
		mt, _, _ := e.Header.ContentType()
		if path != "" {
			path += ">"
		}
		path += mt
		if mr := e.MultipartReader(); mr != nil {
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatalf("next part: %v", err)
				}
				visit(p, path)
			}
		}
		b, err := io.ReadAll(e.Body)
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		disp, dp, _ := mime.ParseMediaType(e.Header.Get("Content-Disposition"))
		out = append(out, partInfo{path: path, contentType: e.Header.Get("Content-Type"), disposition: disp, filename: dp["filename"], body: b})
	}
	visit(e, "")
	return out
}

func TestPartAddTo(t *testing.T) {
	for _, method := range []Method{Request, Cancel, Publish} {
		t.Run(string(method), func(t *testing.T) {
			ev := maria(t)
			if method == Cancel {
				ev.Sequence = 1
			}
			p, err := NewPart(method, ev)
			if err != nil {
				t.Fatal(err)
			}
			m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
			if err := m.From("alex@example.com"); err != nil {
				t.Fatal(err)
			}
			if err := m.To("maria@example.net"); err != nil {
				t.Fatal(err)
			}
			m.Subject("Invitation: Thursday 3 December at 2pm your time (CT)")
			m.SetDateWithValue(stamp)
			m.SetBodyString(gomail.TypeTextPlain, "Hi Maria,\n\nHere is the invitation.\n")
			if err := p.AddTo(m); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := m.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			parts := walk(t, buf.Bytes())
			if len(parts) != 3 {
				t.Fatalf("%d parts: %+v", len(parts), parts)
			}
			want := []string{
				"multipart/mixed>multipart/alternative>text/plain",
				"multipart/mixed>multipart/alternative>text/calendar",
				"multipart/mixed>application/ics",
			}
			for i, w := range want {
				if parts[i].path != w {
					t.Errorf("part %d is %s, want %s", i, parts[i].path, w)
				}
			}
			_, params, err := mime.ParseMediaType(parts[1].contentType)
			if err != nil || params["method"] != string(method) || !strings.EqualFold(params["charset"], "utf-8") {
				t.Errorf("calendar alternative Content-Type %q", parts[1].contentType)
			}
			if parts[2].disposition != "attachment" || parts[2].filename != FileName {
				t.Errorf("attachment: %q %q", parts[2].disposition, parts[2].filename)
			}
			// Both carry the object byte for byte, and it reads back.
			for _, i := range []int{1, 2} {
				if !bytes.Equal(bytes.ReplaceAll(parts[i].body, []byte("\r\n"), []byte("\n")), bytes.ReplaceAll(p.Data, []byte("\r\n"), []byte("\n"))) {
					t.Errorf("part %d body differs from the object:\n%s", i, parts[i].body)
				}
				c, err := Parse(parts[i].body, Options{})
				if err != nil || c.Method != method || c.Primary().UID != ev.UID {
					t.Errorf("part %d reads as %+v, %v", i, c, err)
				}
			}
			if !strings.Contains(p.ContentType(), "method="+string(method)) {
				t.Errorf("ContentType %q", p.ContentType())
			}
		})
	}
	var empty *Part
	if err := empty.AddTo(gomail.NewMsg()); err == nil {
		t.Error("nil part accepted")
	}
	if err := (&Part{Method: "HACK\r\nX", Data: []byte("x")}).AddTo(gomail.NewMsg()); err == nil {
		t.Error("bad method accepted")
	}
	if _, err := NewPart(Request, Event{}); err == nil {
		t.Error("empty event accepted")
	}
}
