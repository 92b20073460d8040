import { AppSourceKind } from './create-app.request';

/** An app as every other service and the web see it (never the apps service's document). */
export interface AppDto {
  id: string;
  name: string;
  sourceKind: AppSourceKind;
  repoUrl: string | null;
  branch: string | null;
  image: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AppListDto {
  items: AppDto[];
}
