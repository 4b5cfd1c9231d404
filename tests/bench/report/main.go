// Command report turns the raw results of tests/scripts/bench.sh into a
// Markdown table: per row and tool the median of the runs and their spread
// (min–max), and for douyinfs how it compares with the best other tool.
//
//	report RESULTS
//
// RESULTS holds tab-separated lines:
//
//	T  tool-id  label                         a column, in order
//	D  row-id   title  unit  hi|lo|-  digits  a row, in order (hi: higher is better)
//	R  row-id   tool-id  value                one run's figure ("ERR" if it failed,
//	                                          ">N" if it was stopped at N: a bound)
//	N  text                                   a note printed under the table
//
// Rows without figures are left out; tools without figures in a row show "—".
package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

type rowDef struct {
	id, title, unit, better string
	digits                  int
}

type cell struct {
	vals   []float64
	failed int
	bound  bool // some figure is a bound (">N"): the run was stopped at N
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: report RESULTS")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	defer f.Close()

	var tools, toolLabels []string
	var rows []rowDef
	var notes []string
	cells := map[[2]string]*cell{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.Split(sc.Text(), "\t")
		switch {
		case p[0] == "T" && len(p) >= 3:
			tools = append(tools, p[1])
			toolLabels = append(toolLabels, p[2])
		case p[0] == "D" && len(p) >= 6:
			d, _ := strconv.Atoi(p[5])
			rows = append(rows, rowDef{p[1], p[2], p[3], p[4], d})
		case p[0] == "R" && len(p) >= 4:
			k := [2]string{p[1], p[2]}
			c := cells[k]
			if c == nil {
				c = &cell{}
				cells[k] = c
			}
			txt := strings.TrimSpace(p[3])
			if strings.HasPrefix(txt, ">") {
				c.bound = true
				txt = txt[1:]
			}
			v, err := strconv.ParseFloat(txt, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				c.failed++
			} else {
				c.vals = append(c.vals, v)
			}
		case p[0] == "N" && len(p) >= 2:
			notes = append(notes, strings.Join(p[1:], " "))
		}
	}

	var b strings.Builder
	b.WriteString("| Measure | unit |")
	for _, l := range toolLabels {
		b.WriteString(" " + l + " |")
	}
	b.WriteString(" douyinfs vs best other |\n|---|---|")
	for range tools {
		b.WriteString("---:|")
	}
	b.WriteString("---|\n")
	for _, r := range rows {
		any := false
		for _, t := range tools {
			if cells[[2]string{r.id, t}] != nil {
				any = true
			}
		}
		if !any {
			continue
		}
		unit := r.unit
		switch r.better {
		case "hi":
			unit += " ↑"
		case "lo":
			unit += " ↓"
		}
		fmt.Fprintf(&b, "| %s | %s |", r.title, unit)
		for _, t := range tools {
			b.WriteString(" " + format(cells[[2]string{r.id, t}], r.digits) + " |")
		}
		b.WriteString(" " + compare(r, tools, toolLabels, cells) + " |\n")
	}
	if len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			b.WriteString("- " + n + "\n")
		}
	}
	fmt.Print(b.String())
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func num(v float64, digits int) string {
	return strconv.FormatFloat(v, 'f', digits, 64)
}

func format(c *cell, digits int) string {
	if c == nil {
		return "—"
	}
	if len(c.vals) == 0 {
		return "failed"
	}
	lo, hi := slices.Min(c.vals), slices.Max(c.vals)
	// At least two significant digits, so 1.3 MB/s does not print as "1".
	if m := math.Min(math.Abs(lo), math.Abs(median(c.vals))); m > 0 {
		digits = max(digits, min(3, 1-int(math.Floor(math.Log10(m)))))
	}
	s := num(median(c.vals), digits)
	if c.bound {
		s = "> " + s
	}
	if len(c.vals) > 1 && num(lo, digits) != num(hi, digits) {
		s += " (" + num(lo, digits) + "–" + num(hi, digits) + ")"
	}
	if c.failed > 0 {
		s += fmt.Sprintf(" [%d failed]", c.failed)
	}
	return s
}

// compare says how douyinfs's median compares with the best other tool's
// (an older douyinfs, tool douyinfs-old, and the figures of an earlier run,
// tools *-before, are not other tools).
func compare(r rowDef, tools, labels []string, cells map[[2]string]*cell) string {
	if r.better != "hi" && r.better != "lo" {
		return "—"
	}
	d := cells[[2]string{r.id, "douyinfs"}]
	if d == nil || len(d.vals) == 0 {
		return "—"
	}
	dv := median(d.vals)
	best, bestLabel, bound := math.NaN(), "", d.bound
	for i, t := range tools {
		if strings.HasPrefix(t, "douyinfs") || strings.HasSuffix(t, "-before") {
			continue // douyinfs itself, an older build of it, or an earlier run's figure
		}
		c := cells[[2]string{r.id, t}]
		if c == nil || len(c.vals) == 0 {
			continue
		}
		v := median(c.vals)
		if math.IsNaN(best) || (r.better == "hi" && v > best) || (r.better == "lo" && v < best) {
			best, bestLabel = v, labels[i]
			bound = d.bound || c.bound
		}
	}
	if math.IsNaN(best) {
		return "— (no other tool)"
	}
	// factor > 1: douyinfs is better by that factor.
	var factor float64
	switch {
	case dv == best:
		factor = 1
	case r.better == "hi" && best == 0, r.better == "lo" && dv == 0:
		factor = math.Inf(1)
	case r.better == "hi" && dv == 0, r.better == "lo" && best == 0:
		factor = 0
	case r.better == "hi":
		factor = dv / best
	default:
		factor = best / dv
	}
	var verdict string
	switch {
	case math.IsInf(factor, 1):
		verdict = "better (other is 0)"
	case factor == 0:
		verdict = "worse (douyinfs is 0)"
	case factor >= 0.97 && factor <= 1.03:
		verdict = "≈ same"
	case factor > 1:
		verdict = fmt.Sprintf("%.2f× better", factor)
	default:
		verdict = fmt.Sprintf("%.2f× worse", 1/factor)
	}
	than := " than "
	if verdict == "≈ same" {
		than = " as "
	}
	s := verdict + than + bestLabel
	if bound {
		s += " (a run was stopped at the cap)"
	}
	return s
}
