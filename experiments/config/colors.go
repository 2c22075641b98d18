package config

import "image/color"

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
