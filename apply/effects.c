/*
 * effects.c - child processes and HTTP requests.
 */
#include "effects.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "str.h"

bool run_command(const char *const *argv, const char *dir, bool quiet, struct strbuf *err)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		strbuf_addf(err, "cannot run %s: %s", argv[0], strerror(errno));
		return false;
	}
	if (pid == 0) {
		if (quiet) {
			int null = open("/dev/null", O_WRONLY);
			if (null >= 0) {
				dup2(null, 1);
				dup2(null, 2);
			}
		} else {
			dup2(2, 1); /* our stdout is the plan and the result */
		}
		if (dir && chdir(dir) != 0)
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			strbuf_addf(err, "cannot wait for %s: %s", argv[0], strerror(errno));
			return false;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		strbuf_addf(err, "%s: command not found (is it installed and on PATH?)", argv[0]);
	else if (WIFEXITED(status))
		strbuf_addf(err, "%s exited with status %d", argv[0], WEXITSTATUS(status));
	else
		strbuf_addf(err, "%s was killed by signal %d", argv[0], WTERMSIG(status));
	return false;
}

static size_t discard(char *ptr, size_t size, size_t n, void *user)
{
	(void)ptr;
	(void)user;
	return size * n;
}

bool http_send(const char *method, const char *url, const char *body, size_t len, bool gone_ok,
	       struct strbuf *err)
{
	static bool initialised;
	if (!initialised) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		initialised = true;
	}
	CURL *curl = curl_easy_init();
	if (!curl) {
		strbuf_addstr(err, "cannot start an HTTP request");
		return false;
	}
	char error[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = NULL;
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	if (body) {
		headers = curl_slist_append(headers, "Content-Type: application/json");
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	CURLcode rc = curl_easy_perform(curl);
	long status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	bool ok = rc == CURLE_OK && ((status >= 200 && status < 300) || (gone_ok && status == 404));
	if (rc != CURLE_OK)
		strbuf_addf(err, "%s %s: %s", method, url, *error ? error : curl_easy_strerror(rc));
	else if (!ok)
		strbuf_addf(err, "%s %s: the supervisor answered HTTP %ld", method, url, status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return ok;
}
