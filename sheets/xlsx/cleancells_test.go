package xlsx

import "testing"

// validCells rewrites only the cells a reader refuses, whatever their
// prefix or form, and leaves every other byte as it was.
func TestValidCells(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`<row><c r="A1" s="2"><v>12</v></c><c r="B1"/><col/></row>`, `<row><c r="A1" s="2"><v>12</v></c><c r="B1"/><col/></row>`},
		{`<c r="A1"><v>1,234</v></c>`, `<c r="A1" t="inlineStr"><is><t xml:space="preserve">1,234</t></is></c>`},
		{`<x:c r="A1" t="n"><x:v>NaN</x:v></x:c ><x:c r="A2"><x:v> 1.5e3 </x:v></x:c>`, `<x:c r="A1" t="inlineStr"><x:is><x:t xml:space="preserve">NaN</x:t></x:is></x:c><x:c r="A2"><x:v> 1.5e3 </x:v></x:c>`},
		{`<c r="A1" s="9"/><c r="A2" s="&#49;"/><c r="A3" s=" 2 "/>`, `<c r="A1" s="0"/><c r="A2" s="&#49;"/><c r="A3" s=" 2 "/>`},
		{`<c r="A1" s='99' foo="a>b"><f>1+1</f><v>1&#44;2</v></c>`, `<c r="A1" foo="a>b" s="0" t="str"><f>1+1</f><v>1&#44;2</v></c>`},
		{`<c r="A1" t="s"><v>x</v></c><c r="A2" t="d"><v>2024-01-01</v></c>`, `<c r="A1" t="s"><v>x</v></c><c r="A2" t="d"><v>2024-01-01</v></c>`},
	} {
		if got := string(validCells([]byte(c.in), 3)); got != c.want {
			t.Errorf("validCells(%s)\n= %s\nwant %s", c.in, got, c.want)
		}
	}
}
