package archive

// MessageKeys exposes messageKeys to the external tests.
func MessageKeys() []string { return messageKeys() }
