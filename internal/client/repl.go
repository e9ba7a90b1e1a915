package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/socklab/socklab/netlab/event"
	"github.com/socklab/socklab/netlab/safetext"
	"github.com/socklab/socklab/netlab/service"
	"github.com/socklab/socklab/netlab/sock"
)

// Config is what REPL connects to and where its lines come from and go.
type Config struct {
	Service string         // service.Echo or service.Calc
	Addr    netip.AddrPort // the server
	In      io.Reader      // one request a line
	Out     io.Writer      // the replies, and nothing else unless Prompt
	// Prompt writes "SERVICE> " before each line: In is a terminal. From
	// a pipe only the replies are written, so scripts can read them.
	Prompt bool
	// Trace writes the client's own socket calls to Trace (nil: none),
	// between its requests in the order they happened.
	Trace io.Writer
}

// REPL connects to the server, sends each line of cfg.In and writes each
// reply to cfg.Out. It ends at the end of the input, at a line "quit", or
// when ctx is done, even while it waits for a line (nil in all three).
func REPL(ctx context.Context, cfg Config) error {
	tr := sock.Tracer{Actor: "client"}
	var sub *event.Sub
	if cfg.Trace != nil {
		log := event.NewLog(1)
		sub = log.Subscribe(1 << 14)
		tr.Sink = log
	}
	flushTrace := func() {
		if sub == nil {
			return
		}
		for {
			select {
			case e := <-sub.C():
				fmt.Fprintln(cfg.Trace, e.String())
			default:
				return
			}
		}
	}
	defer flushTrace()
	c, err := service.Dial(ctx, tr, cfg.Service, cfg.Addr)
	flushTrace()
	if err != nil {
		return err
	}
	defer func() { c.Close(context.Background()); flushTrace() }()

	stop := make(chan struct{})
	defer close(stop)
	lines, readErr := readLines(cfg.In, stop)
	for {
		if cfg.Prompt {
			fmt.Fprintf(cfg.Out, "%s> ", cfg.Service)
		}
		var line string
		var ok bool
		select {
		case <-ctx.Done():
			return nil
		case err := <-readErr:
			return err
		case line, ok = <-lines:
		}
		if !ok {
			// The lines end after a read error is sent, so the error, if
			// any, is already there: a select that saw both ready may have
			// taken the end first.
			select {
			case err := <-readErr:
				return err
			default:
				return nil
			}
		}
		if cfg.Service == service.Echo {
			if strings.TrimSpace(line) == "quit" {
				return nil
			}
			got, err := c.Echo(ctx, []byte(line+"\n"))
			flushTrace()
			if err != nil {
				return replyErr(err)
			}
			// The server's bytes, not ours: a hostile one must not set the
			// terminal's title or clipboard. Line breaks and tabs stay.
			fmt.Fprint(cfg.Out, safetext.Text(string(got)))
			continue
		}
		reply, err := c.Calc(ctx, line)
		flushTrace()
		if err != nil {
			return replyErr(err)
		}
		fmt.Fprintln(cfg.Out, safetext.Text(reply))
		if strings.TrimSpace(line) == "quit" {
			return nil
		}
	}
}

// readLines reads in in its own goroutine, so that a cancelled context
// ends the loop even while it waits for a line. lines is closed at the end
// of the input; a read error other than EOF comes on the second channel.
// Once stop is closed the goroutine ends at its next line: a read that
// blocks (a terminal nobody types in) keeps it until the input ends, which
// for a command's standard input is the process's end.
func readLines(in io.Reader, stop <-chan struct{}) (<-chan string, <-chan error) {
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		r := bufio.NewReader(in)
		for {
			line, err := r.ReadString('\n')
			if line != "" {
				select {
				case lines <- strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r"):
				case <-stop:
					return
				}
			}
			if err != nil {
				if err != io.EOF {
					readErr <- err
				}
				close(lines)
				return
			}
		}
	}()
	return lines, readErr
}

func replyErr(err error) error {
	if errors.Is(err, service.ErrClosedByPeer) {
		return errors.New("the server closed the connection before replying")
	}
	return err
}
