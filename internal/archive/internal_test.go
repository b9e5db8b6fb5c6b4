package archive

// MessageKeys exposes messageKeys to the external tests.
func MessageKeys() []string { return messageKeys() }

// SetChunks sets the export's chunk sizes and returns a function that puts
// them back.
func SetChunks(cases, journals int) func() {
	c, j := casesPerChunk, journalsPerChunk
	casesPerChunk, journalsPerChunk = cases, journals
	return func() { casesPerChunk, journalsPerChunk = c, j }
}
