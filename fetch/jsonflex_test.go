package fetch

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestLenientJSON(t *testing.T) {
	var v struct {
		S1, S2, S3, S4, S5 jstr
		I1, I2, I3, I4, I5 jint
		B1, B2, B3, B4, B5 jbool
		B6                 jbool
		L1, L2, L3         jlist[jint]
		L4                 jlist[struct {
			A jint
			B []int
		}]
		U urls
	}
	in := `{"S1":"x","S2":7318296342189919011,"S3":null,"S4":true,"S5":{"a":1},
		"I1":5,"I2":"12","I3":1.7e3,"I4":"1000+","I5":true,
		"B1":1,"B2":"0","B3":true,"B4":"true","B5":null,
		"L1":[1,2],"L2":3,"L3":{},"L4":[{"A":1,"B":"x"},{"A":2}],"U":["a",null,"","b"]}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if v.S1 != "x" || v.S2 != "7318296342189919011" || v.S3 != "" || v.S4 != "true" || v.S5 != "" {
		t.Errorf("jstr: %q %q %q %q %q", v.S1, v.S2, v.S3, v.S4, v.S5)
	}
	if v.I1 != 5 || v.I2 != 12 || v.I3 != 1700 || v.I4 != 0 || v.I5 != 1 {
		t.Errorf("jint: %d %d %d %d %d", v.I1, v.I2, v.I3, v.I4, v.I5)
	}
	if !v.B1.v || v.B2.v || !v.B3.v || !v.B4.v || v.B5.set || v.B6.set || !v.B2.set {
		t.Errorf("jbool: %+v %+v %+v %+v %+v %+v", v.B1, v.B2, v.B3, v.B4, v.B5, v.B6)
	}
	if !slices.Equal(v.L1, jlist[jint]{1, 2}) || !slices.Equal(v.L2, jlist[jint]{3}) || len(v.L3) != 1 {
		t.Errorf("jlist: %v %v %v", v.L1, v.L2, v.L3)
	}
	if len(v.L4) != 2 || v.L4[0].A != 1 || v.L4[1].A != 2 {
		t.Errorf("a mistyped field lost the list: %+v", v.L4)
	}
	if !slices.Equal(v.U, urls{"a", "b"}) {
		t.Errorf("urls: %v", v.U)
	}
	for s, want := range map[string]int64{"1109": 1109, "1000+": 1000, "1万+": 10000, "1.5万": 15000, "1w+": 10000, "2亿": 200000000, "": 0, "many": 0} {
		if got := parseDisplayCount(s); got != want {
			t.Errorf("parseDisplayCount(%q) = %d, want %d", s, got, want)
		}
	}
}
