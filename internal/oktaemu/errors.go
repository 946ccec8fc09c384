package oktaemu

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// errorCause is one entry of an Okta error's errorCauses.
type errorCause struct {
	ErrorSummary string `json:"errorSummary"`
}

// apiError is Okta's error body. Every error the emulator answers has this shape, as Okta's do.
type apiError struct {
	status       int
	ErrorCode    string       `json:"errorCode"`
	ErrorSummary string       `json:"errorSummary"`
	ErrorLink    string       `json:"errorLink"`
	ErrorID      string       `json:"errorId"`
	ErrorCauses  []errorCause `json:"errorCauses"`
}

func (e *apiError) Error() string { return e.ErrorCode + ": " + e.ErrorSummary }

func newAPIError(status int, code, summary string, causes ...string) *apiError {
	e := &apiError{status: status, ErrorCode: code, ErrorSummary: summary, ErrorLink: code, ErrorCauses: []errorCause{}}
	for _, c := range causes {
		e.ErrorCauses = append(e.ErrorCauses, errorCause{ErrorSummary: c})
	}
	return e
}

func errValidation(what string, causes ...string) *apiError {
	return newAPIError(http.StatusBadRequest, "E0000001", "Api validation failed: "+what, causes...)
}

// errBadRequest is a 400 that Okta words as "The request was not valid: ..." (no errorCauses).
func errBadRequest(detail string) *apiError {
	return newAPIError(http.StatusBadRequest, "E0000001", "The request was not valid: "+detail)
}

func errMalformed(detail string) *apiError {
	return newAPIError(http.StatusBadRequest, "E0000003", "The request body was not well-formed.", detail)
}

func errNotFound(id, kind string) *apiError {
	return newAPIError(http.StatusNotFound, "E0000007", fmt.Sprintf("Not found: Resource not found: %s (%s)", id, kind))
}

func errUnauthorized() *apiError {
	return newAPIError(http.StatusUnauthorized, "E0000011", "Invalid token provided")
}

func errForbidden(causes ...string) *apiError {
	return newAPIError(http.StatusForbidden, "E0000006", "You do not have permission to perform the requested action", causes...)
}

func errRateLimited() *apiError {
	return newAPIError(http.StatusTooManyRequests, "E0000047", "API call exceeded rate limit due to too many requests.")
}

func errMethodNotAllowed() *apiError {
	return newAPIError(http.StatusMethodNotAllowed, "E0000022", "The endpoint does not support the provided HTTP method")
}

// errFault is what an injected fault answers: Okta's generic server errors.
func errFault(status int) *apiError {
	switch status {
	case http.StatusServiceUnavailable:
		return newAPIError(status, "E0000010", "Service is in read only mode")
	case http.StatusTooManyRequests:
		return errRateLimited()
	case http.StatusInternalServerError:
		return newAPIError(status, "E0000009", "Internal Server Error")
	default:
		return newAPIError(status, "E0000009", fmt.Sprintf("Internal Server Error (injected fault %d)", status))
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (e *Emulator) writeError(w http.ResponseWriter, err *apiError) {
	e.mu.Lock()
	err.ErrorID = "oae" + e.randID(19)
	e.mu.Unlock()
	writeJSON(w, err.status, err)
}
