package lessons

import "github.com/socklab/socklab/netlab/event"

// actorRoles says which side of the conversation each actor of l draws on,
// from what the lesson has it do: an actor that listens, accepts, serves, or
// binds without ever connecting is a server; the rest are clients. (Sockets
// an accept makes are RoleConn by netlab itself.)
func actorRoles(l *Lesson) map[string]event.Role {
	does := map[string]map[string]bool{}
	for _, st := range l.Steps {
		for _, a := range st.Actions {
			if does[a.Actor] == nil {
				does[a.Actor] = map[string]bool{}
			}
			does[a.Actor][a.Op] = true
		}
	}
	roles := map[string]event.Role{}
	for name, ops := range does {
		switch {
		case ops["listen"] || ops["accept"] || ops["serve"], ops["bind"] && !ops["connect"]:
			roles[name] = event.RoleServer
		default:
			roles[name] = event.RoleClient
		}
	}
	return roles
}
