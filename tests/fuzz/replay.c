/*
 * replay.c - runs the fuzz target over files named on the command line, so
 * `make test` replays every saved crasher (tests/fuzz/regressions/) and the
 * seed corpus without libFuzzer, under ASan in `make check-asan`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	int replayed = 0;
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		size_t cap = 1 << 16, len = 0;
		uint8_t *buf = malloc(cap);
		size_t n;
		while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
			len += n;
			if (len == cap) {
				uint8_t *bigger = realloc(buf, cap *= 2);
				if (!bigger)
					free(buf);
				buf = bigger;
			}
		}
		fclose(f);
		if (!buf) {
			fputs("replay: out of memory\n", stderr);
			return 1;
		}
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		replayed++;
	}
	printf("replayed %d inputs\n", replayed);
	return 0;
}
