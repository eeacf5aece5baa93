package charts

import (
	"context"
	"io"
	"testing"
)

func benchChart(b *testing.B, ch Chart) {
	o := Options{Width: 1280, Height: 720, DPI: 96}
	for b.Loop() {
		if err := ch.Render(io.Discard, PNG, o); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderProgress(b *testing.B)     { benchChart(b, sampleProgress()) }
func BenchmarkRenderCumulative(b *testing.B)   { benchChart(b, sampleCumulative()) }
func BenchmarkRenderRanking(b *testing.B)      { benchChart(b, sampleRanking()) }
func BenchmarkRenderBreakdown(b *testing.B)    { benchChart(b, sampleBreakdown()) }
func BenchmarkRenderCompleteness(b *testing.B) { benchChart(b, sampleCompleteness()) }

func BenchmarkBriefingPack10(b *testing.B) {
	pages := samplePages()
	br := sampleBriefing()
	br.Pages = append(append([]Page{}, pages...), pages...)
	for b.Loop() {
		if err := WriteBriefing(context.Background(), io.Discard, br, nil); err != nil {
			b.Fatal(err)
		}
	}
}
