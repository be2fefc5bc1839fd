/* libfuzzer_floor.c: libFuzzer's own cost per input, the baseline of
 * make fuzz-bench: the same loop, seeds and options as fuzz_tdcall, with a
 * target that only reads its input (a few edges, as little as a target
 * can do). Not a fuzz target: run-fuzzers.sh runs only fuzz_*. */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	volatile uint8_t sink = 0;

	for (size_t i = 0; i < size && i < 4; i++)
		if (data[i] == (uint8_t)('T' + i))	/* one comparison libFuzzer traces */
			sink++;
	return 0;
}
