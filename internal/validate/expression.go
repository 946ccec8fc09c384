package validate

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxExpressionLength bounds a mapping expression. Okta stores far shorter ones in practice; the bound
// keeps a pasted file or a runaway template from reaching the API.
const MaxExpressionLength = 4096

// Expression checks that s is plausibly an Okta Expression Language expression (as used in profile
// mappings: `appuser.x`, `user.x`, `String.substringBefore(user.email, "@")`, `a + " " + b`).
//
// It is a sanity check, not a parser: Okta is the authority on what an expression means and answers
// 400 for what it cannot evaluate. What is caught here is what would certainly fail, so the user
// hears about it at plan time: an empty expression, an unterminated string literal, unbalanced or
// crossed brackets, control characters, invalid UTF-8, and a dangling operator at the end.
//
// String literals use single or double quotes; a quote is escaped by doubling it (SpEL), which this
// check accepts naturally. Backslashes are not escapes.
func Expression(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("must not be empty")
	}
	if len(s) > MaxExpressionLength {
		return fmt.Errorf("is %d bytes long; at most %d are allowed", len(s), MaxExpressionLength)
	}
	if !utf8.ValidString(s) {
		return errors.New("is not valid UTF-8")
	}

	var (
		stack   []rune // open brackets, innermost last
		openAt  []int  // byte offset of each open bracket
		quote   rune   // current string delimiter, 0 outside a literal
		quoteAt int
	)
	for i, r := range s {
		if quote != 0 {
			if r == quote {
				quote = 0
			}
			continue
		}
		switch {
		case r == '\'' || r == '"':
			quote, quoteAt = r, i
		case r == '(' || r == '[' || r == '{':
			stack = append(stack, r)
			openAt = append(openAt, i)
		case r == ')' || r == ']' || r == '}':
			want := map[rune]rune{')': '(', ']': '[', '}': '{'}[r]
			if len(stack) == 0 {
				return fmt.Errorf("unbalanced %q at position %d: nothing to close", r, i+1)
			}
			top := stack[len(stack)-1]
			if top != want {
				return fmt.Errorf("%q at position %d closes %q opened at position %d", r, i+1, top, openAt[len(openAt)-1]+1)
			}
			stack, openAt = stack[:len(stack)-1], openAt[:len(openAt)-1]
		case r != '\t' && r != '\n' && r != '\r' && unicode.IsControl(r):
			return fmt.Errorf("control character %U at position %d", r, i+1)
		}
	}
	if quote != 0 {
		return fmt.Errorf("string literal opened with %c at position %d is never closed", quote, quoteAt+1)
	}
	if len(stack) > 0 {
		return fmt.Errorf("%q opened at position %d is never closed", stack[len(stack)-1], openAt[len(openAt)-1]+1)
	}
	trimmed := strings.TrimRightFunc(s, unicode.IsSpace)
	if last := trimmed[len(trimmed)-1]; strings.IndexByte("+-*/%.,?:=!<>&|", last) >= 0 {
		return fmt.Errorf("ends with the operator %q; something must follow it", last)
	}
	return nil
}

// ExpressionRefs returns the attribute names an expression reads from the given roots, in order of
// appearance without repeats: ExpressionRefs(`appuser.a + user.b`, "appuser") is ["a"]. A root only
// counts as a whole identifier outside string literals (`myappuser.x`, `"appuser.x"` and `f.appuser.x`
// do not), so every name returned is one Okta would look up.
func ExpressionRefs(s string, roots ...string) []string {
	var out []string
	seen := map[string]bool{}
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if quote != 0 {
			if c == quote {
				quote = 0
			}
			continue
		}
		if c == '\'' || c == '"' {
			quote = c
			continue
		}
		if !isIdentStart(c) || (i > 0 && (isIdentByte(s[i-1]) || s[i-1] == '.')) {
			continue
		}
		j := i
		for j < len(s) && isIdentByte(s[j]) {
			j++
		}
		word := s[i:j]
		i = j - 1
		if j+1 >= len(s) || s[j] != '.' || !isIdentStart(s[j+1]) || !slices.Contains(roots, word) {
			continue
		}
		k := j + 1
		for k < len(s) && isIdentByte(s[k]) {
			k++
		}
		if name := s[j+1 : k]; !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
		i = k - 1
	}
	return out
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isIdentByte(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }
