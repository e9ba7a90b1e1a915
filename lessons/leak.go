package lessons

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Leak is a prediction whose answer the learner could read before being
// asked: an introduction or an earlier step names a word that only one of
// its choices has.
type Leak struct {
	Step  int    // 1-based step of the prediction
	Line  int    // the prediction's line
	Word  string // the choice's distinctive word
	Where string // "the introduction", "step 2's prose", …
}

func (k Leak) String() string {
	return fmt.Sprintf("line %d: step %d's prediction: %s names %q, which only one choice has", k.Line, k.Step, k.Where, k.Word)
}

// distinctiveRE picks from a choice the words that tell one answer from
// another: state, errno and flag names (LISTEN, ECONNREFUSED, SYN), numbers
// and quoted bytes. Ordinary words ("kernel", "waits") are everywhere in a
// lesson's prose and say nothing alone.
var distinctiveRE = regexp.MustCompile(`"[^"]+"|\b[A-Z][A-Z0-9_]+\b|\b[0-9]+\b`)

// Distinctive returns, for each choice of p, the words that choice has and
// neither the question nor any other choice has.
func (p *Prediction) Distinctive() [][]string {
	words := make([][]string, len(p.Choices))
	for i, c := range p.Choices {
		words[i] = distinctiveRE.FindAllString(c.Text, -1)
	}
	out := make([][]string, len(p.Choices))
	for i := range p.Choices {
		for _, w := range words[i] {
			if hasWord(p.Question, w) || slices.Contains(out[i], w) {
				continue
			}
			shared := false
			for j := range p.Choices {
				if j != i && hasWord(p.Choices[j].Text, w) {
					shared = true
				}
			}
			if !shared {
				out[i] = append(out[i], w)
			}
		}
	}
	return out
}

// hasWord reports whether w occurs in text as a whole word (a number is not
// found inside a longer number, LISTEN not inside LISTENING).
func hasWord(text, w string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], w)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(w)
		num := w[0] >= '0' && w[0] <= '9'
		if (j == 0 || !isWordByte(text[j-1]) && !(num && isNumJoin(text[j-1]))) &&
			(end == len(text) || !isWordByte(text[end]) && !(num && end+1 < len(text) && isNumJoin(text[end]) && isWordByte(text[end+1]))) {
			return true
		}
		i = j + 1
	}
}

// isName reports whether w is a state, errno or flag name (not a number or
// quoted bytes).
func isName(w string) bool { return w[0] >= 'A' && w[0] <= 'Z' }

// isNumJoin: a number next to '.' or ':' is part of an address or a port.
func isNumJoin(b byte) bool { return b == '.' || b == ':' }

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z'
}

// Leaks lists the predictions of l whose answer is named before they are
// asked: in the introduction, in an earlier step's title, prose, code,
// hint or explanations (what the learner has read by then), or in the
// step's own hint. The rest of a prediction's own step is hidden until it
// is answered, so it is not searched. The ladder's rows of earlier steps are measured, not written:
// they are checked where the lessons are played (ui tests).
func (l *Lesson) Leaks() []Leak {
	var out []Leak
	for si := range l.Steps {
		p := l.Steps[si].Predict
		if p == nil {
			continue
		}
		// The step's own hint is offered while its question is open.
		texts := [][2]string{{"the introduction", l.Intro}, {fmt.Sprintf("step %d's hint", si+1), l.Steps[si].Hint}}
		for ei := range si {
			e := &l.Steps[ei]
			var whens []string
			for _, w := range e.Whens {
				whens = append(whens, w.Text)
			}
			texts = append(texts,
				[2]string{fmt.Sprintf("step %d's title", ei+1), e.Title},
				[2]string{fmt.Sprintf("step %d's prose", ei+1), e.Text},
				[2]string{fmt.Sprintf("step %d's code", ei+1), e.Python + "\n" + e.Go},
				[2]string{fmt.Sprintf("step %d's hint", ei+1), e.Hint},
				[2]string{fmt.Sprintf("step %d's explanations", ei+1), strings.Join(whens, "\n")})
		}
		for _, words := range p.Distinctive() {
			for _, w := range words {
				for _, t := range texts {
					// Code is full of arguments (`bind(('127.0.0.1', 0))`,
					// `send(b"one\n")`): only names are answers there.
					if strings.HasSuffix(t[0], "code") && !isName(w) {
						continue
					}
					if hasWord(t[1], w) {
						out = append(out, Leak{Step: si + 1, Line: p.Line, Word: w, Where: t[0]})
					}
				}
			}
		}
	}
	return out
}
