import type { ConsentRecord } from '../domain/records.ts';
import { isCreator, type ReportDefinition } from './report-definition.ts';

/** The learner consented, and has not withdrawn since: the only case PII may leave the system. */
export function hasConsented(consent: ConsentRecord | undefined): consent is ConsentRecord {
  return consent?.given === true;
}

/**
 * User profile exhaust. Personal fields are written only for learners who consented; for the rest
 * those cells stay blank (Sunbird's SB-24966 leaked them).
 */
export const userProfileReport: ReportDefinition = {
  type: 'user-profile',
  passwordRequired: true,
  needsProfiles: true,
  idColumns: new Set(['Collection Id', 'Batch Id', 'User UUID']),

  mayRequest: (actor, context) => isCreator(actor, context),

  columns: () => [
    'Collection Id',
    'Collection Name',
    'Batch Id',
    'Batch Name',
    'User UUID',
    'User Name',
    'State',
    'District',
    'Org Name',
    'External ID',
    'Mobile Number',
    'Email ID',
    'Consent Provided',
    'Consent Provided Date',
  ],

  rowBuilder:
    ({ outline, batch }) =>
    ({ enrolment, consent, profile }) => {
      const consented = hasConsented(consent);
      const pii = consented ? profile : undefined;
      return [
        [
          outline.course.courseId,
          outline.course.name,
          batch.batchId,
          batch.name,
          enrolment.userId,
          pii?.name ?? '',
          profile?.state ?? '',
          profile?.district ?? '',
          profile?.orgName ?? '',
          pii?.externalId ?? '',
          pii?.phone ?? '',
          pii?.email ?? '',
          consented ? 'Yes' : 'No',
          consented ? consent.at : '',
        ],
      ];
    },
};
