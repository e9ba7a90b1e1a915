package lessons

import (
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
)

// Progress is what the learner has done, saved between runs.
type Progress struct {
	Last    string                     `json:"last,omitempty"` // ID of the lesson opened last
	Lessons map[string]*LessonProgress `json:"lessons"`
}

// LessonProgress is one lesson's progress.
type LessonProgress struct {
	Step int  `json:"step"` // steps played
	Done bool `json:"done"` // played to the end at least once
	// Predicted and Right count the predictions answered and those the
	// kernel agreed with, each question once: its latest answer (Answers).
	Predicted int `json:"predicted,omitempty"`
	Right     int `json:"right,omitempty"`
	// Answers holds, by step index, whether the latest answer to that
	// step's question was what the kernel did. Going back and playing a
	// step again replaces its answer instead of adding one.
	Answers map[int]bool `json:"answers,omitempty"`
}

// DefaultProgressPath is os.UserConfigDir()/socklab/progress.json.
func DefaultProgressPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "socklab", "progress.json"), nil
}

// LoadProgress reads the progress file; a missing file is no progress.
func LoadProgress(path string) (*Progress, error) {
	p := &Progress{Lessons: map[string]*LessonProgress{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(data, p); err != nil {
		return &Progress{Lessons: map[string]*LessonProgress{}}, err
	}
	if p.Lessons == nil {
		p.Lessons = map[string]*LessonProgress{}
	}
	return p, nil
}

// Save writes the progress file atomically (a crash leaves the old file).
func (p *Progress) Save(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".progress-*.json")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Of returns the progress of one lesson (a zero value when none).
func (p *Progress) Of(id string) LessonProgress {
	if lp := p.Lessons[id]; lp != nil {
		return *lp
	}
	return LessonProgress{}
}

// Reached records that the learner has played step steps of lesson id
// (done once all total steps are played).
func (p *Progress) Reached(id string, step, total int) {
	lp := p.Lessons[id]
	if lp == nil {
		lp = &LessonProgress{}
		p.Lessons[id] = lp
	}
	p.Last = id
	lp.Step = step
	if step >= total {
		lp.Done = true
	}
}

// Answered records the answer to step's prediction (0-based) and whether
// the kernel agreed; a step answered before keeps only this answer.
func (p *Progress) Answered(id string, step int, right bool) {
	lp := p.Lessons[id]
	if lp == nil {
		lp = &LessonProgress{}
		p.Lessons[id] = lp
	}
	if lp.Answers == nil {
		lp.Answers = map[int]bool{}
	}
	lp.Answers[step] = right
	lp.Predicted, lp.Right = len(lp.Answers), 0
	for _, r := range lp.Answers {
		if r {
			lp.Right++
		}
	}
}

// Clone returns a deep copy, so a copy can be saved in the background while
// the original keeps changing.
func (p *Progress) Clone() *Progress {
	c := &Progress{Last: p.Last, Lessons: make(map[string]*LessonProgress, len(p.Lessons))}
	for k, v := range p.Lessons {
		x := *v
		x.Answers = maps.Clone(v.Answers)
		c.Lessons[k] = &x
	}
	return c
}
