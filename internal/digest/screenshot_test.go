package digest

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/internal/compose"
)

// artifacts is where the screenshot tests keep their pictures (and the
// HTML and text they show): $RAPPORT_ARTIFACTS, else rapport-artifacts in
// the temporary directory. The test prints it.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("RAPPORT_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "rapport-artifacts")
	}
	dir = filepath.Join(dir, "digest")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser returns Chromium, or skips; under CI=true a missing browser
// fails the test.
func browser(t *testing.T) string {
	t.Helper()
	bin := Browser()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium not found (apt-get install chromium)")
		}
		t.Skip("chromium not found; apt-get install chromium to run this test")
	}
	if testing.Short() {
		t.Skip("browser start-up is slow")
	}
	return bin
}

// screenshotDigest is the realistic digest, with a meeting link long
// enough to push a careless layout wider than a phone.
func screenshotDigest(t *testing.T) *compose.Rendered {
	t.Helper()
	f, cs := sample()
	for i := range f.s.Meetings {
		if f.s.Meetings[i].ContactID == cs["sam"].ID {
			f.s.Meetings[i].Location = "https://meet.example.org/" + strings.Repeat("sam-rivera-globex-", 6)
		}
	}
	cs["jordan"].Email = "jordan.lee.the.data.engineer.at.acme.analytics@example.org"
	r, err := build(t, f.s).Render()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestScreenshots renders the digest in headless Chromium at a phone's
// width (390 pixels, light and dark), the narrowest phones' (320) and a
// desktop's (1024), as a reader would see it, and checks what they would see: no horizontal scrolling,
// the card whole (the page's background shows on both sides of it), the
// trend chart and the pipeline bars drawn in their colours, and in dark
// mode a dark card. The pictures stay in the artefacts directory.
func TestScreenshots(t *testing.T) {
	bin := browser(t)
	dir := artifacts(t)
	t.Logf("screenshots and the rendered digest are in %s", dir)
	r := screenshotDigest(t)
	for name, body := range map[string]string{"digest.html": r.HTML, "digest.txt": "Subject: " + r.Subject + "\n\n" + r.Text} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		width int
		dark  bool
	}{
		{"digest-320.png", 320, false},
		{"digest-390.png", 390, false},
		{"digest-390-dark.png", 390, true},
		{"digest-1024.png", 1024, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			path := filepath.Join(dir, tc.name)
			shot, err := Screenshot(ctx, bin, []byte(r.HTML), ShotOptions{Width: tc.width, Dark: tc.dark}, path)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %dx%d, page width %d", path, shot.Width, shot.Height, shot.ScrollWidth)
			if shot.ScrollWidth > tc.width {
				t.Errorf("the page is %d pixels wide in a %d pixel viewport: it scrolls sideways", shot.ScrollWidth, tc.width)
			}
			if shot.Height < 1500 {
				t.Errorf("the page is only %d pixels high: the digest is not all there", shot.Height)
			}
			img := readPNG(t, path)
			if b := img.Bounds(); b.Dx() != tc.width || b.Dy() != shot.Height {
				t.Fatalf("picture is %dx%d, want %dx%d", b.Dx(), b.Dy(), tc.width, shot.Height)
			}
			h := histogram(img)
			if len(h) < 50 {
				t.Errorf("only %d distinct colours: a blank page?", len(h))
			}
			for _, c := range []struct{ name, hex string }{
				{"requests-sent bars", compose.ColorSent}, {"reply bars", compose.ColorReplies},
				{"meeting bars", compose.ColorMeetings}, {"closed-status bars", compose.ColorClosed},
			} {
				if n := h[rgb(c.hex)]; n < 150 {
					t.Errorf("%d pixels of %s (%s): the chart is not drawn", n, c.hex, c.name)
				}
			}
			card, page := rgb("#ffffff"), rgb("#f3f4f6")
			if tc.dark {
				card, page = rgb("#1b1f24"), rgb("#111417")
			}
			if n := h[card]; n < tc.width*shot.Height/4 {
				t.Errorf("%d pixels of the card colour %v: the card is not drawn", n, card)
			}
			// The card is whole: at mid-height, the page shows on both sides.
			y := shot.Height / 2
			for _, x := range []int{2, tc.width - 3} {
				if got := pixel(img, x, y); got != page {
					t.Errorf("pixel (%d, %d) is %v, want the page background %v: the card runs off the edge", x, y, got, page)
				}
			}
		})
	}
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return img
}

func pixel(img image.Image, x, y int) color.RGBA {
	r, g, b, _ := img.At(x, y).RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}
}

func histogram(img image.Image) map[color.RGBA]int {
	h := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			h[pixel(img, x, y)]++
		}
	}
	return h
}

// rgb parses "#rrggbb".
func rgb(hex string) color.RGBA {
	var v [3]uint8
	for i := range v {
		v[i] = unhex(hex[1+2*i])<<4 | unhex(hex[2+2*i])
	}
	return color.RGBA{v[0], v[1], v[2], 255}
}

func unhex(c byte) uint8 {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}

// Save writes what the demo shows: the text, the HTML and (with a
// browser) the pictures.
func TestSave(t *testing.T) {
	defer func(w []int) { ShotWidths = w }(ShotWidths)
	ShotWidths = nil // the pictures are TestScreenshots' business
	dir := t.TempDir()
	r := render(t)
	paths, err := Save(context.Background(), r, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 || filepath.Base(paths[0]) != "digest.txt" || filepath.Base(paths[1]) != "digest.html" {
		t.Fatalf("paths %v", paths)
	}
	txt, err := os.ReadFile(paths[0])
	if err != nil || !strings.HasPrefix(string(txt), "Subject: [rapport] Weekly digest") || !strings.Contains(string(txt), r.Text) {
		t.Errorf("digest.txt: %v\n%s", err, txt)
	}
	if h, err := os.ReadFile(paths[1]); err != nil || string(h) != r.HTML {
		t.Errorf("digest.html: %v", err)
	}
}
