package fetch

import "encoding/json"

// mixJSON is a mix (合集): mix_infos[i] of mix/list, mix_info of mix/detail,
// and the mix_info inside a post.
type mixJSON struct {
	MixID      jstr         `json:"mix_id"`
	MixName    jstr         `json:"mix_name"`
	Desc       jstr         `json:"desc"`
	CoverURL   *urlListJSON `json:"cover_url"`
	CreateTime jint         `json:"create_time"`
	UpdateTime jint         `json:"update_time"`
	Author     *userJSON    `json:"author"`
	Statis     struct {
		CurrentEpisode   jint `json:"current_episode"`
		UpdatedToEpisode jint `json:"updated_to_episode"`
	} `json:"statis"`
}

// decodeMix turns one mix object into a Mix; Episodes is
// statis.updated_to_episode (the episodes published so far).
func decodeMix(raw []byte) (Mix, error) {
	var m mixJSON
	if err := decodeItem(raw, &m); err != nil {
		return Mix{}, err
	}
	if m.MixID == "" {
		return Mix{}, malformedf("mix", "mix without mix_id")
	}
	out := Mix{
		ID:         string(m.MixID),
		Name:       string(m.MixName),
		Desc:       string(m.Desc),
		CoverURLs:  m.CoverURL.list(),
		Episodes:   int64(m.Statis.UpdatedToEpisode),
		CreateTime: int64(m.CreateTime),
		UpdateTime: int64(m.UpdateTime),
		Raw:        json.RawMessage(raw),
	}
	if m.Author != nil {
		au := m.Author.toUser()
		out.Author = User{UID: au.UID, SecUID: au.SecUID, UniqueID: au.UniqueID, Nickname: au.Nickname, AvatarURLs: au.AvatarURLs}
	}
	return out, nil
}

// decodeMixDetail decodes /aweme/v1/web/mix/detail/: {status_code, mix_info}.
func decodeMixDetail(body []byte, mixID string) (*Mix, error) {
	var resp struct {
		envelope
		MixInfo json.RawMessage `json:"mix_info"`
	}
	if err := decodeJSON(body, &resp); err != nil {
		return nil, err
	}
	if err := resp.check(epMixDetail.name); err != nil {
		return nil, err
	}
	if len(resp.MixInfo) == 0 || string(resp.MixInfo) == "null" {
		return nil, &NotFoundError{Kind: KindMix, ID: mixID, Reason: "no mix_info in the response"}
	}
	m, err := decodeMix(resp.MixInfo)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// folderJSON is one collects_list[i] (spec §4.7). collects_id is a JSON
// number too large for float64; it is read as its literal text.
type folderJSON struct {
	CollectsID    jstr         `json:"collects_id"`
	CollectsIDStr jstr         `json:"collects_id_str"`
	Name          jstr         `json:"collects_name"`
	Total         jint         `json:"total_number"`
	CreateTime    jint         `json:"create_time"`
	Cover         *urlListJSON `json:"collects_cover"`
}

func decodeFolder(raw []byte) (CollectFolder, error) {
	var f folderJSON
	if err := decodeItem(raw, &f); err != nil {
		return CollectFolder{}, err
	}
	id := firstID(f.CollectsIDStr, f.CollectsID)
	if id == "" {
		return CollectFolder{}, malformedf("collect folder", "folder without collects_id")
	}
	return CollectFolder{
		ID:         id,
		Name:       string(f.Name),
		Count:      int64(f.Total),
		CreateTime: int64(f.CreateTime),
		CoverURLs:  f.Cover.list(),
	}, nil
}
