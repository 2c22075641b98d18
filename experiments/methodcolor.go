package main

import (
	"hash/fnv"
	"image/color"
)

// The colours of the registered methods (Method.Color), from Okabe and
// Ito's palette for colour-blind readers (and a navy beside its blue). A
// new method takes one that no method has; until it has one, MethodColor
// picks a fallback.
var (
	colorPretrained          = color.NRGBA{0x99, 0x99, 0x99, 0xff} // grey: the baseline
	colorFinetune            = color.NRGBA{0xd5, 0x5e, 0x00, 0xff} // vermillion
	colorEquitune            = color.NRGBA{0x00, 0x72, 0xb2, 0xff} // blue
	colorEquituneZeroshot    = color.NRGBA{0x56, 0xb4, 0xe9, 0xff} // sky blue
	colorEquizero            = color.NRGBA{0x00, 0x9e, 0x73, 0xff} // bluish green
	colorGEquivariant        = color.NRGBA{0xcc, 0x79, 0xa7, 0xff} // reddish purple
	colorEquituneIndependent = color.NRGBA{0x1f, 0x3a, 0x93, 0xff} // navy: equitune's blue, darker
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
	if meth, ok := methodNamed(m); ok && meth.Color != nil {
		return meth.Color
	}
	h := fnv.New32a()
	h.Write([]byte(m))
	return fallbackColors[h.Sum32()%uint32(len(fallbackColors))]
}
