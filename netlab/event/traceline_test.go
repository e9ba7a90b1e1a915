package event

import (
	"net/netip"
	"reflect"
	"testing"
)

// TestLineRecSetCopiesEveryField: a text trace line is made from a line
// record alone (Event.String too), so a field Set left out would be
// missing from every line, Event's and writer's alike, with nothing to
// compare against. Each of the record's fields is filled from the Event's
// field of its name (Size from Args.Size): set in the event, it is set in
// the record.
func TestLineRecSetCopiesEveryField(t *testing.T) {
	rt := reflect.TypeFor[LineRec]()
	for i := range rt.NumField() {
		name := rt.Field(i).Name
		var e Event
		ev := reflect.ValueOf(&e).Elem()
		src := ev.FieldByName(name)
		if name == "Size" {
			src = ev.FieldByName("Args").FieldByName("Size")
		}
		if !src.IsValid() {
			t.Errorf("LineRec.%s has no field of its name in Event", name)
			continue
		}
		src.Set(nonZero(t, src.Type()))
		var r LineRec
		r.Set(&e)
		if got := reflect.ValueOf(r).Field(i); got.IsZero() {
			t.Errorf("Set leaves LineRec.%s empty when the event's is %v", name, src)
		}
	}
}

// nonZero is a value of type typ that is not its zero.
func nonZero(t *testing.T, typ reflect.Type) reflect.Value {
	v := reflect.New(typ).Elem()
	switch {
	case typ == reflect.TypeFor[netip.AddrPort]():
		v.Set(reflect.ValueOf(netip.MustParseAddrPort("127.0.0.1:7")))
	case typ.Kind() == reflect.String:
		v.SetString("x")
	case typ.Kind() == reflect.Bool:
		v.SetBool(true)
	case typ.Kind() == reflect.Int:
		v.SetInt(3)
	case typ.Kind() == reflect.Uint8 || typ.Kind() == reflect.Uintptr:
		v.SetUint(2)
	case typ.Kind() == reflect.Slice:
		v.Set(reflect.MakeSlice(typ, 1, 1))
	case typ.Kind() == reflect.Pointer:
		v.Set(reflect.New(typ.Elem()))
	default:
		t.Fatalf("no non-zero value for %s", typ)
	}
	return v
}
