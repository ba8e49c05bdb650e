/* SPDX-License-Identifier: MIT */
/*
 * imactl audit explain [FILE|-]: integrity audit records (1800-1808) from
 * audit.log, journald text or dmesg, grouped by cause and file, each cause
 * with what it means and how to fix it.  imactl audit causes: the table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "imactl/audit.h"
#include "opts.h"
#include "util/cleanup.h"

enum {
	A_JSON = 1,
};

static const struct opt_spec audit_opts[] = {
	{A_JSON, 0, "json", OPT_NOARG, false, NULL, "machine-readable output"},
	{0},
};

struct afile {
	char *name, *dev, *ino, *comm;
	unsigned long count;
};

struct group {
	unsigned int type;
	char op[64], cause[128];
	const imactl_audit_cause *entry;
	unsigned long records, denied;
	struct afile *files;
	size_t nfiles;
};

struct audit {
	const char *prog;
	bool json;
	struct group *groups;
	size_t ngroups;
	unsigned long lines, records, denied, malformed, toolong;
};

static int on_opt(void *ud, int id, const char *arg)
{
	struct audit *a = ud;

	(void)arg;
	if (id == A_JSON)
		a->json = true;
	return 0;
}

/* Records without a cause are grouped by what they are. */
static const char *pseudo_cause(unsigned int type)
{
	switch (type) {
	case 1803:
		return "(hash)";
	case 1805:
		return "(audit-rule: file measured)";
	case 1806:
		return "(evm-xattr: protected xattr list changed)";
	case 1807:
		return "(policy-rule loaded)";
	default:
		return "(no cause)";
	}
}

static int add_record(struct audit *a, const imactl_audit_record *r)
{
	const char *cause = r->cause[0] ? r->cause : pseudo_cause(r->type);
	struct group *g = NULL;
	struct afile *f = NULL;
	const char *name = r->name[0] ? r->name : r->xattr[0] ? r->xattr : r->rule;

	for (size_t i = 0; i < a->ngroups; i++)
		if (a->groups[i].type == r->type && !strcmp(a->groups[i].op, r->op) &&
		    !strcmp(a->groups[i].cause, cause))
			g = &a->groups[i];
	if (!g) {
		struct group *ng = realloc(a->groups, (a->ngroups + 1) * sizeof(*ng));
		if (!ng)
			return -ENOMEM;
		a->groups = ng;
		g = &a->groups[a->ngroups++];
		memset(g, 0, sizeof(*g));
		g->type = r->type;
		snprintf(g->op, sizeof(g->op), "%s", r->op);
		snprintf(g->cause, sizeof(g->cause), "%s", cause);
		g->entry = r->cause[0] ? imactl_audit_cause_find(r->op, r->cause) : NULL;
	}
	g->records++;
	if (r->res == 0) {
		g->denied++;
		a->denied++;
	}
	for (size_t i = 0; i < g->nfiles; i++)
		if (!strcmp(g->files[i].name, name) && !strcmp(g->files[i].dev, r->dev) &&
		    !strcmp(g->files[i].ino, r->ino))
			f = &g->files[i];
	if (!f) {
		struct afile *nf = realloc(g->files, (g->nfiles + 1) * sizeof(*nf));
		if (!nf)
			return -ENOMEM;
		g->files = nf;
		f = &g->files[g->nfiles++];
		f->name = strdup(name);
		f->dev = strdup(r->dev);
		f->ino = strdup(r->ino);
		f->comm = strdup(r->comm);
		f->count = 0;
		if (!f->name || !f->dev || !f->ino || !f->comm)
			return -ENOMEM;
	}
	f->count++;
	return 0;
}

static void free_groups(struct audit *a)
{
	for (size_t i = 0; i < a->ngroups; i++) {
		for (size_t j = 0; j < a->groups[i].nfiles; j++) {
			free(a->groups[i].files[j].name);
			free(a->groups[i].files[j].dev);
			free(a->groups[i].files[j].ino);
			free(a->groups[i].files[j].comm);
		}
		free(a->groups[i].files);
	}
	free(a->groups);
}

static int read_records(struct audit *a, FILE *in, const char *label)
{
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, in)) >= 0) {
		imactl_audit_record *r = malloc(sizeof(*r));
		imactl_diag d = {0};
		int rc;
		if (!r)
			return -ENOMEM;
		a->lines++;
		rc = imactl_audit_parse_line(line, (size_t)n, r, &d);
		if (rc == 1) {
			a->records++;
			rc = add_record(a, r);
			free(r);
			if (rc < 0)
				return rc;
			continue;
		}
		free(r);
		if (rc == -EMSGSIZE)
			a->toolong++;
		else if (rc < 0) {
			a->malformed++;
			fprintf(stderr, "%s: %s:%lu: %s, ignoring\n", a->prog, label, a->lines,
				d.msg);
		}
	}
	if (ferror(in))
		return -EIO;
	return 0;
}

static void print_text(struct audit *a)
{
	unsigned long files = 0;

	for (size_t i = 0; i < a->ngroups; i++)
		files += a->groups[i].nfiles;
	printf("%lu integrity audit record%s (%lu denied or failed) in %lu line%s: %zu cause%s, "
	       "%lu file%s\n",
	       a->records, a->records == 1 ? "" : "s", a->denied, a->lines,
	       a->lines == 1 ? "" : "s", a->ngroups, a->ngroups == 1 ? "" : "s", files,
	       files == 1 ? "" : "s");
	for (size_t i = 0; i < a->ngroups; i++) {
		const struct group *g = &a->groups[i];
		printf("\n%s  (%s%sop=%s, %lu record%s, %zu file%s%s)\n", g->cause,
		       imactl_audit_type_name(g->type), " ", g->op[0] ? g->op : "-", g->records,
		       g->records == 1 ? "" : "s", g->nfiles, g->nfiles == 1 ? "" : "s",
		       g->denied ? ", denied" : "");
		if (g->entry) {
			printf("  what: %s\n", g->entry->meaning);
			printf("  fix:  %s\n", g->entry->fix);
		} else if (g->cause[0] == '(') {
			printf("  what: informational record, no cause\n");
		} else {
			printf("  what: a cause the 6.17 kernel does not log (newer kernel or "
			       "out-of-tree code?)\n");
			printf("  fix:  look the cause up in security/integrity/ of the running "
			       "kernel's source\n");
		}
		for (size_t j = 0; j < g->nfiles; j++) {
			const struct afile *f = &g->files[j];
			printf("    %s", f->name[0] ? f->name : "(no name)");
			if (f->dev[0] || f->ino[0] || f->comm[0])
				printf("  (");
			if (f->dev[0])
				printf("dev %s, ino %s%s", f->dev, f->ino, f->comm[0] ? ", " : "");
			if (f->comm[0])
				printf("comm %s", f->comm);
			if (f->dev[0] || f->ino[0] || f->comm[0])
				printf(")");
			if (f->count > 1)
				printf(" x%lu", f->count);
			printf("\n");
		}
	}
	if (a->malformed || a->toolong)
		printf("\n%lu malformed integrity record%s and %lu over-long line%s ignored\n",
		       a->malformed, a->malformed == 1 ? "" : "s", a->toolong,
		       a->toolong == 1 ? "" : "s");
}

static void print_json(struct audit *a)
{
	printf("{\"command\": \"audit explain\", \"lines\": %lu, \"records\": %lu, \"denied\": "
	       "%lu, "
	       "\"malformed\": %lu, \"causes\": [",
	       a->lines, a->records, a->denied, a->malformed);
	for (size_t i = 0; i < a->ngroups; i++) {
		const struct group *g = &a->groups[i];
		printf("%s\n  {\"cause\": ", i ? "," : "");
		json_str(stdout, g->cause);
		printf(", \"op\": ");
		json_str(stdout, g->op);
		printf(", \"type\": %u, \"type_name\": \"%s\", \"records\": %lu, \"denied\": %lu, "
		       "\"known\": %s, \"meaning\": ",
		       g->type, imactl_audit_type_name(g->type), g->records, g->denied,
		       g->entry ? "true" : "false");
		if (g->entry)
			json_str(stdout, g->entry->meaning);
		else
			printf("null");
		printf(", \"fix\": ");
		if (g->entry)
			json_str(stdout, g->entry->fix);
		else
			printf("null");
		printf(", \"files\": [");
		for (size_t j = 0; j < g->nfiles; j++) {
			printf("%s{\"name\": ", j ? ", " : "");
			json_str(stdout, g->files[j].name);
			printf(", \"dev\": ");
			json_str(stdout, g->files[j].dev);
			printf(", \"ino\": ");
			json_str(stdout, g->files[j].ino);
			printf(", \"comm\": ");
			json_str(stdout, g->files[j].comm);
			printf(", \"count\": %lu}", g->files[j].count);
		}
		printf("]}");
	}
	printf("\n]}\n");
}

static int do_explain(int argc, char **argv)
{
	struct audit a = {.prog = "imactl audit explain"};
	const char *file;
	FILE *in;
	int optind_ = 0, r;

	r = opts_parse(a.prog, "[--json] [FILE|-]",
		       "Read integrity audit records (types 1800-1808) from FILE (default "
		       "/var/log/audit/audit.log),\nor '-' for stdin: audit.log lines, journalctl "
		       "output or dmesg.  Group them by cause and\nfile and print what each cause "
		       "means and how to fix it.",
		       audit_opts, argc, argv, on_opt, &a, &optind_);
	if (r < 0)
		return EXIT_OK;
	if (r)
		return r;
	if (argc - optind_ > 1) {
		fprintf(stderr, "%s: one FILE at most\n", a.prog);
		return EXIT_USAGE;
	}
	file = optind_ < argc ? argv[optind_] : "/var/log/audit/audit.log";
	if (!strcmp(file, "-"))
		in = stdin;
	else
		in = fopen(file, "re");
	if (!in) {
		fprintf(stderr, "%s: cannot open '%s': %s\n", a.prog, file, strerror(errno));
		return EXIT_OPER;
	}
	r = read_records(&a, in, file);
	if (in != stdin)
		fclose(in);
	if (r < 0) {
		fprintf(stderr, "%s: %s: %s\n", a.prog, file, strerror(-r));
		free_groups(&a);
		return EXIT_OPER;
	}
	if (a.json)
		print_json(&a);
	else
		print_text(&a);
	free_groups(&a);
	return EXIT_OK;
}

static int do_causes(int argc, char **argv)
{
	struct audit a = {.prog = "imactl audit causes"};
	int optind_ = 0, r;

	r = opts_parse(a.prog, "[--json]",
		       "List every cause string the kernel logs in integrity audit records, with "
		       "its meaning and fix.",
		       audit_opts, argc, argv, on_opt, &a, &optind_);
	if (r < 0)
		return EXIT_OK;
	if (r)
		return r;
	if (a.json)
		printf("{\"command\": \"audit causes\", \"causes\": [");
	for (size_t i = 0; i < imactl_audit_cause_count(); i++) {
		const imactl_audit_cause *c = imactl_audit_cause_get(i);
		if (a.json) {
			printf("%s\n  {\"op\": ", i ? "," : "");
			json_str(stdout, c->op);
			printf(", \"cause\": ");
			json_str(stdout, c->cause);
			printf(", \"type\": %u, \"meaning\": ", c->type);
			json_str(stdout, c->meaning);
			printf(", \"fix\": ");
			json_str(stdout, c->fix);
			printf("}");
		} else {
			printf("%-16s %-28s %u %s\n  fix: %s\n", c->op, c->cause, c->type,
			       c->meaning, c->fix);
		}
	}
	if (a.json)
		printf("\n]}\n");
	return EXIT_OK;
}

int cmd_audit(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "explain"))
		return do_explain(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "causes"))
		return do_causes(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("Usage: imactl audit explain [--json] [FILE|-]\n"
		       "       imactl audit causes [--json]\n");
		return EXIT_OK;
	}
	fprintf(stderr, "Usage: imactl audit explain [--json] [FILE|-]\n"
			"       imactl audit causes [--json]\n");
	return EXIT_USAGE;
}
