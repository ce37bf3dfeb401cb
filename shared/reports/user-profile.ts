import type { ConsentRecord, UserRecord } from '../domain/records.ts';
import { type Column, fileLayout } from './columns.ts';
import { commonColumns, isCreator, type LearnerRow, profileColumn, type ReportDefinition } from './report-definition.ts';

/** The learner consented, and has not withdrawn since: the only case PII may leave the system. */
export function hasConsented(consent: ConsentRecord | undefined): consent is ConsentRecord {
  return consent?.given === true;
}

interface ProfileRow extends LearnerRow {
  /** The profile, only when the learner consented: personal columns read this and nothing else. */
  pii: UserRecord | undefined;
  consentedAt: string | undefined;
}

/**
 * User profile exhaust. Personal fields are written only for learners who consented; for the rest
 * those cells stay blank (Sunbird's SB-24966 leaked them).
 */
export const userProfileReport: ReportDefinition = {
  type: 'user-profile',
  passwordRequired: true,
  needsProfiles: true,

  mayRequest: (actor, context) => isCreator(actor, context),

  csvBytesPerLearner: () => 320,

  layout(context) {
    const [collectionId, collectionName, batchId, batchName, userUuid] = commonColumns(context) as [
      Column<LearnerRow>,
      Column<LearnerRow>,
      Column<LearnerRow>,
      Column<LearnerRow>,
      Column<LearnerRow>,
    ];
    const columns: Column<ProfileRow>[] = [
      collectionId,
      collectionName,
      batchId,
      batchName,
      userUuid,
      { header: 'User Name', cell: (row) => row.pii?.name ?? '' },
      profileColumn('State', 'state'),
      profileColumn('District', 'district'),
      profileColumn('Org Name', 'orgName'),
      { header: 'External ID', cell: (row) => row.pii?.externalId ?? '' },
      { header: 'Mobile Number', cell: (row) => row.pii?.phone ?? '' },
      { header: 'Email ID', cell: (row) => row.pii?.email ?? '' },
      { header: 'Consent Provided', cell: (row) => (row.consentedAt === undefined ? 'No' : 'Yes') },
      { header: 'Consent Provided Date', cell: (row) => row.consentedAt ?? '' },
    ];
    return fileLayout(columns, (learner) => {
      const consented = hasConsented(learner.consent);
      return [
        { learner, pii: consented ? learner.profile : undefined, consentedAt: consented ? learner.consent?.at : undefined },
      ];
    });
  },
};
