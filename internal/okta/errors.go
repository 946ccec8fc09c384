package okta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	sdk "github.com/okta/okta-sdk-golang/v5/okta"
)

// NotFoundError says an Okta object does not exist. Finders return it; Read turns it into
// RemoveResource, Delete into success.
type NotFoundError struct {
	Kind string // "user attribute", "mapping", ...
	ID   string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("Okta %s %q not found", e.Kind, e.ID) }

// IsNotFound reports whether err (or anything it wraps) is a NotFoundError.
func IsNotFound(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf)
}

// APIError is an error answer from Okta, in Okta's own terms. Its Error() carries the
// errorSummary and every errorCause, which is what an admin needs to fix a configuration.
type APIError struct {
	Status       int      // HTTP status
	ErrorCode    string   // e.g. E0000001
	ErrorSummary string   // e.g. "Api validation failed: name"
	ErrorCauses  []string // each errorCauses[].errorSummary
	ErrorID      string   // Okta's errorId, useful when talking to Okta support
	Method, Path string   // the request that failed, when known
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("Okta answered ")
	if e.Status != 0 {
		fmt.Fprintf(&b, "%d", e.Status)
		if t := http.StatusText(e.Status); t != "" {
			fmt.Fprintf(&b, " %s", t)
		}
	}
	if e.Method != "" {
		fmt.Fprintf(&b, " to %s %s", e.Method, e.Path)
	}
	if e.ErrorCode != "" {
		fmt.Fprintf(&b, " (%s)", e.ErrorCode)
	}
	if e.ErrorSummary != "" {
		fmt.Fprintf(&b, ": %s", e.ErrorSummary)
	}
	if len(e.ErrorCauses) > 0 {
		fmt.Fprintf(&b, "; causes: %s", strings.Join(e.ErrorCauses, "; "))
	}
	if e.ErrorID != "" {
		fmt.Fprintf(&b, " [errorId %s]", e.ErrorID)
	}
	return b.String()
}

// HasCause reports whether the summary or any cause contains s (case-insensitive). Callers use it
// to recognise Okta's documented transient answers, such as the attribute clean-up window.
func (e *APIError) HasCause(s string) bool {
	s = strings.ToLower(s)
	if strings.Contains(strings.ToLower(e.ErrorSummary), s) {
		return true
	}
	for _, c := range e.ErrorCauses {
		if strings.Contains(strings.ToLower(c), s) {
			return true
		}
	}
	return false
}

// AsAPIError returns the *APIError in err's chain, if any.
func AsAPIError(err error) (*APIError, bool) {
	var ae *APIError
	ok := errors.As(err, &ae)
	return ae, ok
}

// StatusOf is the HTTP status of an Okta error answer, or 0 when err is not one.
func StatusOf(err error) int {
	if ae, ok := AsAPIError(err); ok {
		return ae.Status
	}
	if IsNotFound(err) {
		return http.StatusNotFound
	}
	return 0
}

// oktaErrorBody is Okta's error JSON; the OAuth endpoints answer with error/error_description.
type oktaErrorBody struct {
	ErrorCode    string `json:"errorCode"`
	ErrorSummary string `json:"errorSummary"`
	ErrorID      string `json:"errorId"`
	ErrorCauses  []struct {
		ErrorSummary string `json:"errorSummary"`
	} `json:"errorCauses"`
	OAuthError       string `json:"error"`
	OAuthDescription string `json:"error_description"`
}

// parseAPIError builds an APIError from a status and a response body. Bodies that are not Okta
// error JSON still give an APIError, with a shortened body as its summary.
func parseAPIError(status int, method, path string, body []byte) *APIError {
	ae := &APIError{Status: status, Method: method, Path: path}
	var b oktaErrorBody
	if json.Unmarshal(body, &b) == nil && (b.ErrorCode != "" || b.ErrorSummary != "" || b.OAuthError != "") {
		ae.ErrorCode, ae.ErrorSummary, ae.ErrorID = b.ErrorCode, b.ErrorSummary, b.ErrorID
		for _, c := range b.ErrorCauses {
			if c.ErrorSummary != "" {
				ae.ErrorCauses = append(ae.ErrorCauses, c.ErrorSummary)
			}
		}
		if b.OAuthError != "" && ae.ErrorCode == "" {
			ae.ErrorCode = b.OAuthError
			ae.ErrorSummary = b.OAuthDescription
		}
		return ae
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	ae.ErrorSummary = s
	return ae
}

// notFoundCodes are Okta's codes for "no such object" (E0000007 "Not found: Resource not found",
// E0000008 "The requested path was not found").
func isNotFoundAnswer(ae *APIError) bool {
	return ae.Status == http.StatusNotFound || ae.ErrorCode == "E0000007" || ae.ErrorCode == "E0000008"
}

// translate turns what the SDK (or a raw call) returned into our error types. kind and id name
// the object for a NotFoundError; with kind == "" a 404 stays an *APIError.
func (c *Client) translate(err error, resp *sdk.APIResponse, kind, id string) error {
	if err == nil {
		return nil
	}
	var ae *APIError
	if errors.As(err, &ae) {
		// Already ours (raw calls). Keep any context wrapped around it.
		if kind != "" && isNotFoundAnswer(ae) {
			return &NotFoundError{Kind: kind, ID: id}
		}
		return err
	} else if ge, ok := sdkError(err); ok {
		ae = c.fromSDKError(ge, resp)
	} else if strings.Contains(err.Error(), "Empty access token") {
		// The SDK swallows the token endpoint's answer; the transport kept it.
		if te := c.tr.tokenError(); te != nil {
			return fmt.Errorf("getting an OAuth access token for client %q: %w", c.cfg.ClientID, te)
		}
		return fmt.Errorf("getting an OAuth access token for client %q: the token endpoint gave none: %w", c.cfg.ClientID, err)
	} else {
		return err
	}
	if ae == nil {
		return err
	}
	if kind != "" && isNotFoundAnswer(ae) {
		return &NotFoundError{Kind: kind, ID: id}
	}
	return ae
}

func sdkError(err error) (*sdk.GenericOpenAPIError, bool) {
	var pe *sdk.GenericOpenAPIError
	if errors.As(err, &pe) {
		return pe, true
	}
	var ve sdk.GenericOpenAPIError
	if errors.As(err, &ve) {
		return &ve, true
	}
	return nil, false
}

// fromSDKError returns nil when the SDK error carries no Okta answer (a transport failure the SDK
// flattened into a string), so that translate keeps the original error text.
func (c *Client) fromSDKError(ge *sdk.GenericOpenAPIError, resp *sdk.APIResponse) *APIError {
	status := 0
	method, path := "", ""
	if resp != nil && resp.Response != nil {
		status = resp.StatusCode
		if resp.Request != nil {
			method, path = resp.Request.Method, resp.Request.URL.Path
		}
	}
	if len(ge.Body()) > 0 {
		return parseAPIError(status, method, path, ge.Body())
	}
	// The SDK turns a 429 that outlived our retries into the bare string "too many requests".
	if ge.Error() == "too many requests" || status == http.StatusTooManyRequests {
		return &APIError{Status: http.StatusTooManyRequests, ErrorCode: "E0000047", Method: method, Path: path,
			ErrorSummary: fmt.Sprintf("API call exceeded rate limit due to too many requests (still limited after %d retries; raise max_retries or lower max_api_capacity)", c.tr.maxRetries)}
	}
	if status >= 300 {
		return &APIError{Status: status, Method: method, Path: path, ErrorSummary: ge.Error()}
	}
	return nil
}

// IsAmbiguous reports whether a write that failed with err may nonetheless have been applied by
// Okta: a 5xx answer (Okta can fail after committing), a timeout, a cancelled or broken connection
// after the request may have been sent. Writers then read back and accept the object if it matches
// what they sent. A 4xx answer (429 included: the request was refused before processing) and a
// NotFoundError are definite.
func IsAmbiguous(err error) bool {
	if err == nil || IsNotFound(err) {
		return false
	}
	if ae, ok := AsAPIError(err); ok {
		return ae.Status == 0 || ae.Status >= 500
	}
	if ge, ok := sdkError(err); ok && len(ge.Body()) > 0 {
		return false // an Okta answer the caller did not translate; its status is unknown here
	}
	return true
}

// resendable reports whether a schema or mapping write that failed with err is worth sending
// again: it may have been applied (IsAmbiguous: 5xx, timeout, broken connection), which the
// writer's read-back decides, or it was a 429 that outlived the transport's retries (refused
// before processing, so simply sent again). Any other 4xx is Okta's definite refusal, and the
// caller's own deadline or cancellation (the resource's timeout, or the governor finding no room
// before it) is final.
func resendable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return IsAmbiguous(err) || StatusOf(err) == http.StatusTooManyRequests
}

// isClientError says Okta refused the request itself (a 4xx other than a 429).
func isClientError(err error) bool {
	s := StatusOf(err)
	return s >= http.StatusBadRequest && s < http.StatusInternalServerError && s != http.StatusTooManyRequests
}
