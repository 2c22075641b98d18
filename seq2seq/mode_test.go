package seq2seq

import "testing"

func TestModeString(t *testing.T) {
	for m, want := range map[Mode]string{Shared: "shared", Independent: "independent", Equizero: "equizero", EquizeroTop1: "equizero_top1", Mode(7): "Mode(7)"} {
		if got := m.String(); got != want {
			t.Errorf("Mode(%d).String() = %q, want %q", int(m), got, want)
		}
	}
}
