package event

import (
	"net/netip"
	"reflect"
	"testing"
)

// TestLineRecSetCopiesEveryField: a text trace line is made from a line
// record alone (Event.String too), so a field Set or RecordOf left out
// would be missing from every line, Event's and writer's alike, with
// nothing to compare against. Each field of the record, its Who and its
// More is filled from the Event's field of its name (Size from
// Args.Size): set in the event, it is set in the record, both ways.
func TestLineRecSetCopiesEveryField(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[LineRec](), reflect.TypeFor[LineWho](), reflect.TypeFor[LineMore]()} {
		for i := range typ.NumField() {
			name := typ.Field(i).Name
			if name == "Who" || name == "More" {
				continue
			}
			var e Event
			ev := reflect.ValueOf(&e).Elem()
			src := ev.FieldByName(name)
			if name == "Size" {
				src = ev.FieldByName("Args").FieldByName("Size")
			}
			if !src.IsValid() {
				t.Errorf("%s.%s has no field of its name in Event", typ.Name(), name)
				continue
			}
			src.Set(nonZero(t, src.Type()))
			var (
				r    LineRec
				who  LineWho
				more LineMore
			)
			r.Set(&e, &who, &more)
			heap := RecordOf(&e)
			for how, rec := range map[string]*LineRec{"Set": &r, "RecordOf": &heap} {
				var got reflect.Value
				switch typ {
				case reflect.TypeFor[LineWho]():
					got = reflect.ValueOf(rec.who()).Elem().Field(i)
				case reflect.TypeFor[LineMore]():
					got = reflect.ValueOf(rec.more()).Elem().Field(i)
				default:
					got = reflect.ValueOf(rec).Elem().Field(i)
				}
				if got.IsZero() {
					t.Errorf("%s leaves %s.%s empty when the event's is %v", how, typ.Name(), name, src)
				}
			}
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
