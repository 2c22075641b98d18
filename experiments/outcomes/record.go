package outcomes

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"slices"
	"strings"

	"github.com/scan-equitune/equitune/internal/atomicfile"
	"github.com/scan-equitune/equitune/scan"
)

// FileName is the name of a method run's outcome record, beside its
// result.json.
const FileName = "outcomes.json"

// Format names the version of the file layout.
const Format = "scan-outcomes/1"

// MaxBytes bounds the size of a file Read accepts.
const MaxBytes = 64 << 20

// ErrInvalid is wrapped by every error about an ill-formed record or input.
var ErrInvalid = errors.New("outcomes: invalid")

// letters maps scan.Actions, in order, to the one-letter code of the file.
const letters = "WLRJlr"

// sos is the decoder's start token, which a model can output like any
// action (a wrong output), and sosLetter its code.
const sos, sosLetter = "SOS", 'S'

// legend is the "actions" field of a record without SOS: each action and
// its letter.
var legend = func() string {
	var b strings.Builder
	for i, a := range scan.Actions {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(a + "=" + letters[i:i+1])
	}
	return b.String()
}()

// legendOf returns the "actions" field of a record with wrong outputs ws:
// legend, followed by " SOS=S" if an output has the start token.
func legendOf(ws []Wrong) string {
	for _, w := range ws {
		if strings.IndexByte(w.Pred, sosLetter) >= 0 {
			return legend + " " + sos + "=" + string(sosLetter)
		}
	}
	return legend
}

// Wrong is one distinct wrong output and the commands that produced it. In
// the file it is the array [code, commands], code being Pred followed by
// "-" if the output had no EOS.
type Wrong struct {
	Pred     string // the actions before the first EOS, one letter each
	EOS      bool   // whether the output had an EOS
	Commands []int  // indices into the test commands, increasing
}

// noEOS marks a code whose output had no EOS.
const noEOS = "-"

// MarshalJSON encodes w as [code, commands].
func (w Wrong) MarshalJSON() ([]byte, error) {
	code := w.Pred
	if !w.EOS {
		code += noEOS
	}
	return json.Marshal([]any{code, w.Commands})
}

// UnmarshalJSON decodes [code, commands].
func (w *Wrong) UnmarshalJSON(data []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	if len(raw) != 2 {
		return fmt.Errorf("wrong output %s is not [code, commands]", data)
	}
	var code string
	if err := json.Unmarshal(raw[0], &code); err != nil {
		return fmt.Errorf("wrong output %s: %v", data, err)
	}
	if err := json.Unmarshal(raw[1], &w.Commands); err != nil {
		return fmt.Errorf("wrong output %s: %v", data, err)
	}
	w.Pred, w.EOS = strings.CutSuffix(code, noEOS)
	w.EOS = !w.EOS
	return nil
}

// Record is the content of outcomes.json (see the package comment).
type Record struct {
	Format         string  `json:"format"`
	Commands       int     `json:"commands"`
	CommandsSHA256 string  `json:"commands_sha256"`
	Correct        int     `json:"correct"`
	CorrectBits    string  `json:"correct_bits"`
	Actions        string  `json:"actions"`
	Wrong          []Wrong `json:"wrong"`
}

// CommandsHash returns the hex SHA-256 of commands, each followed by a
// newline: the fingerprint that ties a record to its test commands.
func CommandsHash(commands []string) string {
	h := sha256.New()
	for _, c := range commands {
		io.WriteString(h, c+"\n")
	}
	return hex.EncodeToString(h.Sum(nil))
}

// FromPredictions returns the record of predictions ps, in the order of the
// test commands. It returns an error wrapping ErrInvalid, naming the line,
// for an output word that is neither one of scan.Actions nor SOS.
func FromPredictions(ps []Prediction) (*Record, error) {
	r := &Record{Format: Format, Commands: len(ps)}
	ins := make([]string, len(ps))
	set := make([]byte, (len(ps)+7)/8)
	idx := map[[2]string]int{}
	for i, p := range ps {
		ins[i] = p.In
		if p.Correct() {
			set[i/8] |= 1 << (i % 8)
			r.Correct++
			continue
		}
		code, err := encode(p.Pred)
		if err != nil {
			return nil, fmt.Errorf("%w: prediction %d (%q): %v", ErrInvalid, i+1, p.In, err)
		}
		k := [2]string{code, fmt.Sprint(p.EOS)}
		j, ok := idx[k]
		if !ok {
			j = len(r.Wrong)
			idx[k] = j
			r.Wrong = append(r.Wrong, Wrong{Pred: code, EOS: p.EOS})
		}
		r.Wrong[j].Commands = append(r.Wrong[j].Commands, i)
	}
	r.CommandsSHA256 = CommandsHash(ins)
	r.CorrectBits = base64.StdEncoding.EncodeToString(set)
	slices.SortStableFunc(r.Wrong, func(a, b Wrong) int {
		return cmp.Or(cmp.Compare(len(b.Commands), len(a.Commands)), cmp.Compare(a.Pred, b.Pred), boolCmp(a.EOS, b.EOS))
	})
	if r.Wrong == nil {
		r.Wrong = []Wrong{}
	}
	r.Actions = legendOf(r.Wrong)
	return r, nil
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// encode returns the letters of space-separated actions (and SOS).
func encode(actions string) (string, error) {
	if actions == "" {
		return "", nil
	}
	var b strings.Builder
	for _, a := range strings.Split(actions, " ") {
		i := slices.Index(scan.Actions, a)
		switch {
		case i >= 0:
			b.WriteByte(letters[i])
		case a == sos:
			b.WriteByte(sosLetter)
		default:
			return "", fmt.Errorf("unknown action %q (valid: %s, %s)", a, strings.Join(scan.Actions, ", "), sos)
		}
	}
	return b.String(), nil
}

// decode returns the space-separated actions (and SOS) of letters.
func decode(code string) (string, error) {
	ws := make([]string, len(code))
	for i := range len(code) {
		j := strings.IndexByte(letters, code[i])
		switch {
		case j >= 0:
			ws[i] = scan.Actions[j]
		case code[i] == sosLetter:
			ws[i] = sos
		default:
			return "", fmt.Errorf("unknown action letter %q (valid: %s %s=%c)", code[i:i+1], legend, sos, sosLetter)
		}
	}
	return strings.Join(ws, " "), nil
}

// CorrectSet returns whether each test command was right, in order.
func (r *Record) CorrectSet() []bool {
	set, _ := base64.StdEncoding.DecodeString(r.CorrectBits)
	ok := make([]bool, r.Commands)
	for i := range ok {
		ok[i] = set[i/8]>>(i%8)&1 == 1
	}
	return ok
}

// Predictions returns the predictions the record was made from, given the
// test commands in their order (their targets are interpreted by
// scan.Interpret). It returns an error wrapping ErrInvalid if the commands
// are not those of the record.
func (r *Record) Predictions(commands []string) ([]Prediction, error) {
	if len(commands) != r.Commands || CommandsHash(commands) != r.CommandsSHA256 {
		return nil, fmt.Errorf("%w: the %d commands given are not the record's %d (SHA-256 %s)",
			ErrInvalid, len(commands), r.Commands, r.CommandsSHA256)
	}
	ps := make([]Prediction, len(commands))
	ok := r.CorrectSet()
	for i, c := range commands {
		t, err := scan.Interpret(strings.Fields(c))
		if err != nil {
			return nil, fmt.Errorf("%w: command %d: %v", ErrInvalid, i, err)
		}
		ps[i] = Prediction{In: c, Target: strings.Join(t, " ")}
		if ok[i] {
			ps[i].Pred, ps[i].EOS = ps[i].Target, true
		}
	}
	for _, w := range r.Wrong {
		pred, err := decode(w.Pred)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		for _, i := range w.Commands {
			ps[i].Pred, ps[i].EOS = pred, w.EOS
		}
	}
	return ps, nil
}

// Write writes r to path as JSON, one wrong output a line, atomically;
// gzipped (with an empty gzip header, so the bytes depend only on r and
// the Go release's compress/flate) if path ends in ".gz".
func (r *Record) Write(path string) error {
	if err := r.check(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var buf bytes.Buffer
	buf.WriteString("{\n")
	fmt.Fprintf(&buf, "  \"format\": %s,\n  \"commands\": %d,\n  \"commands_sha256\": %s,\n  \"correct\": %d,\n  \"correct_bits\": %s,\n  \"actions\": %s,\n  \"wrong\": [",
		quote(r.Format), r.Commands, quote(r.CommandsSHA256), r.Correct, quote(r.CorrectBits), quote(r.Actions))
	for i, w := range r.Wrong {
		if i > 0 {
			buf.WriteByte(',')
		}
		e, err := json.Marshal(w)
		if err != nil {
			return err
		}
		buf.WriteString("\n")
		buf.Write(e)
	}
	if len(r.Wrong) > 0 {
		buf.WriteString("\n")
	}
	buf.WriteString("]\n}\n")
	if !strings.HasSuffix(path, ".gz") {
		return atomicfile.WriteFile(path, buf.Bytes(), 0o644)
	}
	var zbuf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zbuf, gzip.BestCompression)
	zw.Write(buf.Bytes())
	if err := zw.Close(); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, zbuf.Bytes(), 0o644)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Read reads and checks the record at path (at most MaxBytes of JSON,
// gunzipped first if the file starts with the gzip magic). Errors name the
// file; an ill-formed record gives one wrapping ErrInvalid.
func Read(path string) (*Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var in io.Reader = br
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, path, err)
		}
		in = zr
	}
	data, err := io.ReadAll(io.LimitReader(in, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrInvalid, path, MaxBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Record
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, path, err)
	}
	if err := r.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// check returns an error wrapping ErrInvalid, naming the field, unless r is
// consistent: the format, the bitset's length, padding and count, and every
// command either right or in exactly one wrong entry, in increasing order.
func (r *Record) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	if r.Format != Format {
		return bad("format %q, want %q", r.Format, Format)
	}
	if want := legendOf(r.Wrong); r.Actions != want {
		return bad("actions %q, want %q", r.Actions, want)
	}
	if r.Commands < 0 {
		return bad("commands %d < 0", r.Commands)
	}
	if b, err := hex.DecodeString(r.CommandsSHA256); err != nil || len(b) != sha256.Size {
		return bad("commands_sha256 %q is not a hex SHA-256", r.CommandsSHA256)
	}
	set, err := base64.StdEncoding.DecodeString(r.CorrectBits)
	if err != nil || len(set) != (r.Commands+7)/8 {
		return bad("correct_bits is not the base64 of %d bytes", (r.Commands+7)/8)
	}
	count := 0
	for i, b := range set {
		if i == len(set)-1 && r.Commands%8 != 0 && b>>(r.Commands%8) != 0 {
			return bad("correct_bits has bits set beyond command %d", r.Commands-1)
		}
		count += bits.OnesCount8(b)
	}
	if count != r.Correct {
		return bad("correct is %d but correct_bits has %d", r.Correct, count)
	}
	seen := make([]bool, r.Commands)
	for i := range r.Commands {
		seen[i] = set[i/8]>>(i%8)&1 == 1
	}
	wrong := 0
	for j, w := range r.Wrong {
		if _, err := decode(w.Pred); err != nil {
			return bad("wrong[%d]: %v", j, err)
		}
		if len(w.Commands) == 0 {
			return bad("wrong[%d] has no commands", j)
		}
		for k, i := range w.Commands {
			switch {
			case i < 0 || i >= r.Commands:
				return bad("wrong[%d] has command %d, outside [0, %d)", j, i, r.Commands)
			case k > 0 && i <= w.Commands[k-1]:
				return bad("wrong[%d]'s commands are not increasing at %d", j, i)
			case seen[i]:
				return bad("wrong[%d] has command %d, which is right or in an earlier entry", j, i)
			}
			seen[i] = true
			wrong++
		}
	}
	if r.Correct+wrong != r.Commands {
		return bad("%d right and %d wrong commands, want %d in all", r.Correct, wrong, r.Commands)
	}
	return nil
}

// Matrix returns the outcome matrix of the runs of one summary row, seed →
// command → correct, the input of package stats, and whether every run was
// scored on the same commands in the same order (equal CommandsSHA256): if
// not (the simple split draws its test set by seed), the row needs the
// nested bootstrap (stats.Settings.Nested). It returns an error wrapping
// ErrInvalid if the runs have different numbers of commands or there are
// none.
func Matrix(rs []*Record) (m [][]bool, shared bool, err error) {
	if len(rs) == 0 {
		return nil, false, fmt.Errorf("%w: no records", ErrInvalid)
	}
	shared = true
	for i, r := range rs {
		if r.Commands != rs[0].Commands {
			return nil, false, fmt.Errorf("%w: record %d has %d commands, record 0 has %d", ErrInvalid, i, r.Commands, rs[0].Commands)
		}
		shared = shared && r.CommandsSHA256 == rs[0].CommandsSHA256
		m = append(m, r.CorrectSet())
	}
	return m, shared, nil
}
