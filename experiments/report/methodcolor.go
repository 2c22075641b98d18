package report

import (
	"hash/fnv"
	"image/color"

	"github.com/scan-equitune/equitune/experiments/config"
)

// fallbackColors are the colours of methods without a Color: none of them
// is a registered method's colour.
var fallbackColors = []color.Color{
	color.NRGBA{0xe6, 0x9f, 0x00, 0xff}, // orange
	color.NRGBA{0x00, 0x00, 0x00, 0xff}, // black
	color.NRGBA{0x8c, 0x56, 0x4b, 0xff}, // brown
	color.NRGBA{0xbc, 0xbd, 0x22, 0xff}, // olive
	color.NRGBA{0x6a, 0x3d, 0x9a, 0xff}, // dark purple
	color.NRGBA{0x17, 0xbe, 0xcf, 0xff}, // cyan
}

// MethodColor returns the colour of method m: its registered Color, or
// else a fallback chosen by a hash of the name, so that it too is the same
// in every figure.
func MethodColor(m string) color.Color {
	if meth, ok := config.Lookup(m); ok && meth.Color != nil {
		return meth.Color
	}
	h := fnv.New32a()
	h.Write([]byte(m))
	return fallbackColors[h.Sum32()%uint32(len(fallbackColors))]
}
