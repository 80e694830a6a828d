// A harness over Porcupine for `make bench-porcupine` (scripts/bench-porcupine.sh builds it in a
// scratch folder against a Porcupine checkout; the project's tests never need Go).
//
// It reads the groups `faultline-bench --export DIR` wrote: DIR/<group>/model (register or kv)
// and DIR/<group>/*.jsonl (Faultline's JSONL history format), checks every history with
// Porcupine's CheckEvents (check time only, parsing not timed, as faultline-bench --groups
// does), and prints one line per group: `group <name> <files> <median total ms> <mismatches>`,
// the median over 3 passes, or over as many as fit in about 200 ms for a group under 20 ms.
// A history whose operation never completed, or completed as info, gets its return at the
// end of the history with an unknown output, as Porcupine's own Jepsen harness does.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

type event struct {
	Type    string          `json:"type"`
	Process json.RawMessage `json:"process"`
	F       string          `json:"f"`
	Key     json.RawMessage `json:"key"`
	Value   json.RawMessage `json:"value"`
}

// An operation's input and output, for both models: f, the key's text, the argument or the
// value read, and whether the output is unknown (info, or never completed).
type input struct {
	f, key string
	arg    string // write's value, cas's expected value, append's string
	to     string // cas's new value
	bad    bool   // a cas whose argument is not a pair
}

type output struct {
	unknown bool
	value   string // the value read
}

// The value as text: a JSON string's contents, `null` for null or no value, else the JSON itself.
func text(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return "null"
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}

// read turns one JSONL history into Porcupine events, keys kept per operation id.
func read(path string) ([]porcupine.Event, map[int]string, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer file.Close()
	scanner := bufio.NewScanner(file)
	scanner.Buffer(make([]byte, 1<<20), 1<<26)
	var events []porcupine.Event
	keys := map[int]string{}
	open := map[string]int{}    // process -> operation id
	inputs := map[int]input{}   // id -> input
	clients := map[string]int{} // process -> client number
	dropped := map[int]bool{}   // failed operations and reads of unknown outcome
	var pending []int           // info or never completed
	next := 0
	for scanner.Scan() {
		line := scanner.Bytes()
		if len(strings.TrimSpace(string(line))) == 0 {
			continue
		}
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			return nil, nil, fmt.Errorf("%s: %v", path, err)
		}
		p := string(e.Process)
		if p == `"nemesis"` {
			continue
		}
		if _, seen := clients[p]; !seen {
			clients[p] = len(clients)
		}
		switch e.Type {
		case "invoke":
			id := next
			next++
			open[p] = id
			in := input{f: e.F, key: text(e.Key), arg: text(e.Value)}
			if e.F == "cas" {
				var pair []json.RawMessage
				_ = json.Unmarshal(e.Value, &pair)
				if len(pair) == 2 {
					in.arg, in.to = text(pair[0]), text(pair[1])
				} else {
					in.bad = true
				}
			}
			inputs[id] = in
			keys[id] = in.key
			events = append(events, porcupine.Event{ClientId: clients[p], Kind: porcupine.CallEvent, Value: in, Id: id})
		case "ok":
			id, found := open[p]
			if !found {
				continue
			}
			delete(open, p)
			events = append(events, porcupine.Event{ClientId: clients[p], Kind: porcupine.ReturnEvent,
				Value: output{value: text(e.Value)}, Id: id})
		case "fail":
			// Certainly did not happen: left out, as Faultline and Knossos leave it out.
			if id, found := open[p]; found {
				dropped[id] = true
				delete(open, p)
			}
		case "info":
			// Completed at the end, unknown; the process may go on with another operation.
			if id, found := open[p]; found {
				pending = append(pending, id)
				delete(open, p)
			}
		}
	}
	if err := scanner.Err(); err != nil {
		return nil, nil, err
	}
	for _, id := range open {
		pending = append(pending, id)
	}
	ids := make([]int, 0, len(pending))
	for _, id := range pending {
		// A read whose outcome is unknown constrains nothing: left out, as Faultline does.
		if f := inputs[id].f; f == "read" || f == "get" {
			dropped[id] = true
		} else {
			ids = append(ids, id)
		}
	}
	sort.Ints(ids)
	for _, id := range ids {
		events = append(events, porcupine.Event{Kind: porcupine.ReturnEvent, Value: output{unknown: true}, Id: id})
	}
	kept := events[:0]
	for _, e := range events {
		if !dropped[e.Id] {
			kept = append(kept, e)
		}
	}
	return kept, keys, nil
}

func partition(keys map[int]string) func([]porcupine.Event) [][]porcupine.Event {
	return func(history []porcupine.Event) [][]porcupine.Event {
		byKey := map[string][]porcupine.Event{}
		var order []string
		for _, e := range history {
			k := keys[e.Id]
			if _, seen := byKey[k]; !seen {
				order = append(order, k)
			}
			byKey[k] = append(byKey[k], e)
		}
		out := make([][]porcupine.Event, 0, len(order))
		for _, k := range order {
			out = append(out, byKey[k])
		}
		return out
	}
}

// The register of Jepsen's etcd test and Faultline's `register` model: read, write, cas [from to];
// failed operations are left out; an unknown output may have taken effect (its return is at
// the end of the history, so it may also be placed after everything else).
func registerModel(keys map[int]string, initial string) porcupine.Model {
	return porcupine.Model{
		PartitionEvent: partition(keys),
		Init:           func() interface{} { return initial },
		Step: func(state, in, out interface{}) (bool, interface{}) {
			st := state.(string)
			i := in.(input)
			o := out.(output)
			switch i.f {
			case "read":
				return o.value == st, st
			case "write":
				return true, i.arg
			case "cas":
				if i.bad {
					return false, st
				}
				matches := i.arg == st
				if o.unknown {
					if matches {
						return true, i.to
					}
					return true, st
				}
				return matches, i.to
			}
			return false, st
		},
		Equal: func(a, b interface{}) bool { return a.(string) == b.(string) },
		Hash:  hash,
	}
}

// Porcupine's key-value model (get, put, append on strings), one key per partition.
func kvModel(keys map[int]string) porcupine.Model {
	return porcupine.Model{
		PartitionEvent: partition(keys),
		Init:           func() interface{} { return "" },
		Step: func(state, in, out interface{}) (bool, interface{}) {
			st := state.(string)
			i := in.(input)
			o := out.(output)
			switch i.f {
			case "get", "read":
				return o.value == st || (o.value == "null" && st == ""), st
			case "put", "write":
				return true, i.arg
			case "append":
				return true, st + i.arg
			}
			return false, st
		},
		Equal: func(a, b interface{}) bool { return a.(string) == b.(string) },
		Hash:  hash,
	}
}

// FNV-1a of a state, so Porcupine's cache compares few states (its Hash option).
func hash(state interface{}) uint64 {
	h := uint64(14695981039346656037)
	for _, b := range []byte(state.(string)) {
		h = (h ^ uint64(b)) * 1099511628211
	}
	return h
}

// The passes timed over a group: repeats, but a group whose first pass took under 20 ms gets as
// many as fit in about 200 ms (at most 101), as faultline-bench --groups does (PorcupineGroups.passes).
func passesFor(repeats int, firstPassMs float64) int {
	if firstPassMs >= 20 {
		return repeats
	}
	n := int(200 / math.Max(firstPassMs, 0.01))
	if n > 101 {
		n = 101
	}
	if n < repeats {
		n = repeats
	}
	return n
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: porcupine-harness DIR [REPEATS]")
		os.Exit(2)
	}
	root := os.Args[1]
	repeats := 3
	if len(os.Args) > 2 {
		fmt.Sscan(os.Args[2], &repeats)
	}
	groups, _ := filepath.Glob(filepath.Join(root, "*", "model"))
	sort.Strings(groups)
	for _, modelFile := range groups {
		dir := filepath.Dir(modelFile)
		kind, _ := os.ReadFile(modelFile)
		expected := map[string]bool{}
		if tsv, err := os.ReadFile(filepath.Join(dir, "expected.tsv")); err == nil {
			for _, l := range strings.Split(string(tsv), "\n") {
				if f := strings.Split(l, "\t"); len(f) == 2 {
					expected[f[0]] = f[1] == "valid"
				}
			}
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
		sort.Strings(files)
		type loaded struct {
			name   string
			events []porcupine.Event
			model  porcupine.Model
		}
		var histories []loaded
		for _, f := range files {
			events, keys, err := read(f)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			words := strings.Fields(string(kind))
			initial := "null"
			if len(words) > 1 {
				initial = words[1]
			}
			model := registerModel(keys, initial)
			if len(words) > 0 && words[0] == "kv" {
				model = kvModel(keys)
			}
			histories = append(histories, loaded{filepath.Base(f), events, model})
		}
		var totals []float64
		mismatches := 0
		passes := repeats
		for r := 0; r < passes; r++ {
			total := 0.0
			for _, h := range histories {
				start := time.Now()
				ok := porcupine.CheckEvents(h.model, h.events)
				total += float64(time.Since(start).Microseconds()) / 1000
				if want, known := expected[h.name]; r == 0 && known && want != ok {
					mismatches++
					fmt.Fprintf(os.Stderr, "porcupine: %s/%s: linearizable=%v, expected %v\n", filepath.Base(dir), h.name, ok, want)
				}
			}
			totals = append(totals, total)
			if r == 0 {
				passes = passesFor(repeats, total)
			}
		}
		sort.Float64s(totals)
		fmt.Printf("group %s %d %.2f %d\n", filepath.Base(dir), len(histories), totals[len(totals)/2], mismatches)
	}
}
