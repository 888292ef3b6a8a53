package digest

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// chromium finds a headless-capable Chromium or Chrome.
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestScreenshot renders the digest HTML in a real browser engine and
// checks the picture: the right size, not blank, the bar chart drawn in
// its colour. Set RAPPORT_DIGEST_PNG to a path to keep a copy to look at.
// Without Chromium it skips, except under CI=true, where it fails.
func TestScreenshot(t *testing.T) {
	bin := chromium()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium not found (apt-get install chromium)")
		}
		t.Skip("chromium not found; apt-get install chromium to run this test")
	}
	if testing.Short() {
		t.Skip("browser start-up is slow")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "digest.html")
	if err := os.WriteFile(page, []byte(render(t).HTML), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "digest.png")
	const width, height = 800, 2000

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--screenshot="+out, "--window-size=800,2000", "file://"+page)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, msg)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	if keep := os.Getenv("RAPPORT_DIGEST_PNG"); keep != "" {
		if err := os.WriteFile(keep, raw, 0o644); err != nil {
			t.Errorf("keep a copy: %v", err)
		}
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() != width || b.Dy() != height {
		t.Fatalf("screenshot is %dx%d, want %dx%d", b.Dx(), b.Dy(), width, height)
	}

	colours, bar, closed, white := histogram(img)
	if colours < 50 {
		t.Errorf("only %d distinct colours: a blank page?", colours)
	}
	if white < 100_000 {
		t.Errorf("only %d white pixels: the card is not drawn", white)
	}
	// The queued bar alone is about 300 by 14 pixels; all main-line bars
	// together many more.
	if bar < 6000 {
		t.Errorf("%d pixels of the bar colour %s: the chart is not drawn", bar, ColorMain)
	}
	if closed < 500 {
		t.Errorf("%d pixels of %s: the closed-state bars are missing", closed, ColorClosed)
	}
}

func histogram(img image.Image) (colours, bar, closed, white int) {
	seen := map[color.RGBA]bool{}
	want := rgb(ColorMain)
	wantClosed := rgb(ColorClosed)
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			c := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}
			seen[c] = true
			switch c {
			case want:
				bar++
			case wantClosed:
				closed++
			case color.RGBA{255, 255, 255, 255}:
				white++
			}
		}
	}
	return len(seen), bar, closed, white
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
