/*
 * ex1_keep_the_beat.c — reference solution for 05.1: a blocking call moved off the loop.
 * cio_to_thread() runs the read on an executor thread and suspends only this task, so
 * every other task (the heartbeat) keeps its schedule. The job needs nothing but the
 * sensor, which outlives the call, and hands the reading back as its status.
 */
#include <cio.h>

/* ---- Provided by the test (see the stub for the contract) ---- */
struct sensor;
int blocking_read(struct sensor *s);

/* Runs on an executor thread: it may block, and must call no cio_* function but
 * cio_block_for(). */
static int read_job(void *sensor)
{
    return blocking_read(sensor);       /* a reading >= 0, or -errno */
}

int read_sensor(struct sensor *s, int *value)
{
    int rc = cio_to_thread(read_job, s);
    if (rc < 0) return rc;              /* the sensor's error, -ECANCELED or -ENOMEM */
    *value = rc;
    return 0;
}
