// A node:test reporter that only counts leaf tests, appending "pass fail skip" to the file in NETCARE_COUNT_FILE.
import { appendFileSync } from 'node:fs';

export default async function* countReporter(source) {
  let pass = 0, fail = 0, skip = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') {
      // a suite that failed outside its tests (a before() hook) counts as one failure
      if (event.type === 'test:fail' && event.data.details?.error?.failureType !== 'subtestsFailed') fail++;
      continue;
    }
    if (event.data.skip || event.data.todo) skip++;
    else if (event.type === 'test:pass') pass++;
    else fail++;
  }
  if (process.env.NETCARE_COUNT_FILE) appendFileSync(process.env.NETCARE_COUNT_FILE, `${pass} ${fail} ${skip}\n`);
  yield '';
}
