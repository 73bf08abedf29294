/* pool.c — fixed-size thread pool with a FIFO queue (see pool.h). */
#include "util/pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/xmalloc.h"

struct task {
    void (*fn)(void *);
    void *arg;
    struct task *next;
};

struct pool {
    pthread_mutex_t lock;
    pthread_cond_t work;     /* a task was queued or the pool is stopping */
    pthread_cond_t idle;     /* the queue drained and nothing runs */
    struct task *head, *tail;
    int running;             /* tasks being executed */
    bool stopping;
    int n_threads;
    pthread_t *threads;
};

static void *worker(void *arg)
{
    struct pool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->head && !p->stopping)
            pthread_cond_wait(&p->work, &p->lock);
        if (!p->head && p->stopping)
            break;
        struct task *t = p->head;
        p->head = t->next;
        if (!p->head)
            p->tail = NULL;
        p->running++;
        pthread_mutex_unlock(&p->lock);
        t->fn(t->arg);
        free(t);
        pthread_mutex_lock(&p->lock);
        p->running--;
        if (!p->head && p->running == 0)
            pthread_cond_broadcast(&p->idle);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

struct pool *pool_new(int threads)
{
    if (threads < 1)
        threads = 1;
    if (threads > 64)
        threads = 64;
    struct pool *p = xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->idle, NULL);
    p->threads = xcalloc((size_t)threads, sizeof *p->threads);
    for (int i = 0; i < threads; i++) {
        if (pthread_create(&p->threads[i], NULL, worker, p) != 0) {
            fprintf(stderr, "albcheck: cannot start a thread\n");
            abort();
        }
        p->n_threads++;
    }
    return p;
}

void pool_submit(struct pool *p, void (*fn)(void *arg), void *arg)
{
    struct task *t = xmalloc(sizeof *t);
    t->fn = fn;
    t->arg = arg;
    t->next = NULL;
    pthread_mutex_lock(&p->lock);
    if (p->tail)
        p->tail->next = t;
    else
        p->head = t;
    p->tail = t;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->lock);
}

void pool_wait(struct pool *p)
{
    pthread_mutex_lock(&p->lock);
    while (p->head || p->running > 0)
        pthread_cond_wait(&p->idle, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

void pool_free(struct pool *p)
{
    if (!p)
        return;
    pool_wait(p);
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    free(p->threads);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->idle);
    free(p);
}
