package kernel

import (
	"reflect"
	"testing"
	"unsafe"
)

// TestAsmLayout pins the offsets at which kernel_amd64.s reads the fields
// of AdamConsts and tanhConsts (VBROADCASTSD off(AX)): reordering, adding,
// removing or retyping a field must fail here rather than feed the kernels
// the wrong constants. The kernels take pointers and ints, never slices, so
// they assume no slice-header layout; their frame offsets are checked by go
// vet (asmdecl).
func TestAsmLayout(t *testing.T) {
	var a AdamConsts
	var h tanhConsts
	for _, c := range []struct {
		field     string
		got, want uintptr
	}{
		{"AdamConsts.C", unsafe.Offsetof(a.C), 0},
		{"AdamConsts.WD", unsafe.Offsetof(a.WD), 8},
		{"AdamConsts.B1", unsafe.Offsetof(a.B1), 16},
		{"AdamConsts.OmB1", unsafe.Offsetof(a.OmB1), 24},
		{"AdamConsts.B2", unsafe.Offsetof(a.B2), 32},
		{"AdamConsts.OmB2", unsafe.Offsetof(a.OmB2), 40},
		{"AdamConsts.Step", unsafe.Offsetof(a.Step), 48},
		{"AdamConsts.S2", unsafe.Offsetof(a.S2), 56},
		{"AdamConsts.Eps", unsafe.Offsetof(a.Eps), 64},
		{"AdamConsts size", unsafe.Sizeof(a), 72},
		{"tanhConsts.one", unsafe.Offsetof(h.one), 0},
		{"tanhConsts.two", unsafe.Offsetof(h.two), 8},
		{"tanhConsts.mid", unsafe.Offsetof(h.mid), 16},
		{"tanhConsts.big", unsafe.Offsetof(h.big), 24},
		{"tanhConsts.p0", unsafe.Offsetof(h.p0), 32},
		{"tanhConsts.p1", unsafe.Offsetof(h.p1), 40},
		{"tanhConsts.p2", unsafe.Offsetof(h.p2), 48},
		{"tanhConsts.q0", unsafe.Offsetof(h.q0), 56},
		{"tanhConsts.q1", unsafe.Offsetof(h.q1), 64},
		{"tanhConsts.q2", unsafe.Offsetof(h.q2), 72},
		{"tanhConsts.sign", unsafe.Offsetof(h.sign), 80},
		{"tanhConsts.abs", unsafe.Offsetof(h.abs), 88},
		{"tanhConsts size", unsafe.Sizeof(h), 96},
	} {
		if c.got != c.want {
			t.Errorf("%s at %d, the assembly reads %d", c.field, c.got, c.want)
		}
	}
	// The assembly reads every field as a float64.
	for _, typ := range []reflect.Type{reflect.TypeFor[AdamConsts](), reflect.TypeFor[tanhConsts]()} {
		for f := range typ.Fields() {
			if f.Type.Kind() != reflect.Float64 {
				t.Errorf("%s.%s is %s, the assembly reads a float64", typ.Name(), f.Name, f.Type)
			}
		}
	}
}
