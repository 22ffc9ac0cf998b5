/** Which worker a process is: a restarted worker takes over its predecessor's slot (0…PICTOR_WORKERS-1). */
export const SLOT_VARIABLE = 'PICTOR_WORKER_SLOT';

export const workerSlot = (): number => Number(process.env[SLOT_VARIABLE] ?? 0);
