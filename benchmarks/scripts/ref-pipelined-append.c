/*
 * Pipelined appender for the reference GDP C library (libgdp 2.1.x), used by
 * benchmarks/cli-reference.sh to measure a reference gdplogd's append ceiling: one record per
 * line of standard input (without the newline), up to WINDOW appends unanswered at a time, and
 * exit only when every append is answered. The reference `gdp-writer -a` cannot be used for
 * this: it sends without a bound and exits one second after its last send, so most answers (and
 * on a busy server most records) are lost.
 *
 *   ref-pipelined-append [-w WINDOW] LOG_NAME < records
 *
 * Prints "appended N failed F" on standard error; exit 0 when F = 0.
 * Built by the script against a reference source tree (it is not part of the Maven build).
 */
#include <gdp/gdp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long answered;
static long failed;

/* Waits for one append answer; a silent server for 60 s is an error, not a hang. */
static void await_one(gdp_gin_t *gin)
{
	EP_TIME_SPEC timeout = { 60, 0, 0 };
	gdp_event_t *ev = gdp_event_next(gin, &timeout);
	if (ev == NULL)
	{
		fprintf(stderr, "ref-pipelined-append: no answer within 60 s (%ld answered)\n", answered);
		exit(4);
	}
	int type = gdp_event_gettype(ev);
	if (type == GDP_EVENT_CREATED || type == GDP_EVENT_SUCCESS)
		answered++;
	else if (type == GDP_EVENT_FAILURE || type == GDP_EVENT_MISSING)
	{
		answered++;
		failed++;
	}
	/* other events (none expected for an append-only handle) are not answers */
	gdp_event_free(ev);
}

int main(int argc, char **argv)
{
	long window = 64;
	int opt;
	while ((opt = getopt(argc, argv, "w:")) > 0)
	{
		if (opt == 'w')
			window = atol(optarg);
		else
		{
			fprintf(stderr, "usage: ref-pipelined-append [-w WINDOW] LOG_NAME < records\n");
			return 2;
		}
	}
	if (optind != argc - 1 || window < 1)
	{
		fprintf(stderr, "usage: ref-pipelined-append [-w WINDOW] LOG_NAME < records\n");
		return 2;
	}

	EP_STAT estat = gdp_init(NULL);
	gdp_name_t name;
	gdp_gin_t *gin = NULL;
	if (EP_STAT_ISOK(estat))
		estat = gdp_parse_name(argv[optind], name);
	if (EP_STAT_ISOK(estat))
		estat = gdp_gin_open(name, GDP_MODE_AO, NULL, &gin);
	if (!EP_STAT_ISOK(estat))
	{
		char ebuf[100];
		fprintf(stderr, "ref-pipelined-append: cannot open %s: %s\n", argv[optind],
				ep_stat_tostr(estat, ebuf, sizeof ebuf));
		return 3;
	}

	/* the library copies the datum into the request when it sends, so one datum serves all */
	gdp_datum_t *datum = gdp_datum_new();
	static char line[65536];
	long sent = 0;
	while (fgets(line, sizeof line, stdin) != NULL)
	{
		size_t len = strcspn(line, "\n");
		while (sent - answered >= window)
			await_one(gin);
		gdp_datum_reset(datum);
		gdp_buf_write(gdp_datum_getbuf(datum), line, len);
		estat = gdp_gin_append_async(gin, 1, &datum, NULL, NULL, NULL);
		if (!EP_STAT_ISOK(estat))
		{
			char ebuf[100];
			fprintf(stderr, "ref-pipelined-append: append %ld not sent: %s\n", sent + 1,
					ep_stat_tostr(estat, ebuf, sizeof ebuf));
			return 1;
		}
		sent++;
	}
	while (answered < sent)
		await_one(gin);
	gdp_datum_free(datum);
	gdp_gin_close(gin);
	fprintf(stderr, "appended %ld failed %ld\n", sent - failed, failed);
	return failed == 0 ? 0 : 1;
}
